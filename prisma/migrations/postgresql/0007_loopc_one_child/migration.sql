-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "mergedIntoId" TEXT;

-- CreateTable
CREATE TABLE "ChildKey" (
    "id" TEXT NOT NULL,
    "childId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "ChildKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChildPair" (
    "id" TEXT NOT NULL,
    "childId" TEXT NOT NULL,
    "knownId" TEXT NOT NULL,
    "reasons" TEXT NOT NULL,
    "recordId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "moved" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "decidedById" TEXT,

    CONSTRAINT "ChildPair_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChildKey_hash_idx" ON "ChildKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "ChildKey_childId_kind_hash_key" ON "ChildKey"("childId", "kind", "hash");

-- CreateIndex
CREATE INDEX "ChildPair_status_createdAt_idx" ON "ChildPair"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChildPair_childId_knownId_key" ON "ChildPair"("childId", "knownId");

