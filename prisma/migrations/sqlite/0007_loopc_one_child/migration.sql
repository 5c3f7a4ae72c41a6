-- AlterTable
ALTER TABLE "Person" ADD COLUMN "mergedIntoId" TEXT;

-- CreateTable
CREATE TABLE "ChildKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "childId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ChildPair" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "childId" TEXT NOT NULL,
    "knownId" TEXT NOT NULL,
    "reasons" TEXT NOT NULL,
    "recordId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "moved" TEXT,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedById" TEXT
);

-- CreateIndex
CREATE INDEX "ChildKey_hash_idx" ON "ChildKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "ChildKey_childId_kind_hash_key" ON "ChildKey"("childId", "kind", "hash");

-- CreateIndex
CREATE INDEX "ChildPair_status_createdAt_idx" ON "ChildPair"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChildPair_childId_knownId_key" ON "ChildPair"("childId", "knownId");

