-- CreateIndex
CREATE INDEX "MissingEpisode_interviewCompletedAt_interviewOutcome_interviewDueAt_idx" ON "MissingEpisode"("interviewCompletedAt", "interviewOutcome", "interviewDueAt");

-- CreateIndex
CREATE INDEX "MissingEpisode_lastSeenAt_idx" ON "MissingEpisode"("lastSeenAt");

