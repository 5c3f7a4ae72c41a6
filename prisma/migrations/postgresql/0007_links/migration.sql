-- CreateIndex
CREATE INDEX "LinkMention_kind_createdAt_idx" ON "LinkMention"("kind", "createdAt");

