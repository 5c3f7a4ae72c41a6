-- DropIndex
DROP INDEX "MetListEntry_status_level_idx";

-- DropIndex
DROP INDEX "MetLevelChange_changedAt_idx";

-- DropIndex
DROP INDEX "PendingGrant_email_idx";

-- AlterTable
ALTER TABLE "MissingEpisode" ADD COLUMN     "interviewerEmailHash" TEXT,
ADD COLUMN     "interviewerHandleHash" TEXT;

-- AlterTable
ALTER TABLE "PendingGrant" ADD COLUMN     "emailHash" TEXT;

-- AlterTable
ALTER TABLE "LinkMember" ALTER COLUMN "childId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "RateWindow" (
    "bucket" TEXT NOT NULL,
    "windowEnd" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateWindow_pkey" PRIMARY KEY ("bucket","windowEnd")
);

-- CreateIndex
CREATE INDEX "Person_profile_idx" ON "Person"("ageBand", "gender", "ethnicGroup", "accommodation", "id");

-- CreateIndex
CREATE INDEX "RiskCheck_createdAt_idx" ON "RiskCheck"("createdAt");

-- CreateIndex
CREATE INDEX "MetListEntry_status_level_nominatedAt_idx" ON "MetListEntry"("status", "level", "nominatedAt");

-- CreateIndex
CREATE INDEX "MetListEntry_childId_nominatedAt_status_idx" ON "MetListEntry"("childId", "nominatedAt", "status");

-- CreateIndex
CREATE INDEX "MetLevelChange_changedAt_entryId_toStatus_toLevel_idx" ON "MetLevelChange"("changedAt", "entryId", "toStatus", "toLevel");

-- CreateIndex
CREATE INDEX "PendingGrant_emailHash_idx" ON "PendingGrant"("emailHash");

