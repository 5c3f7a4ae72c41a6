-- DropIndex
DROP INDEX "MetListEntry_status_level_idx";

-- DropIndex
DROP INDEX "MetLevelChange_changedAt_idx";

-- DropIndex
DROP INDEX "PendingGrant_email_idx";

-- AlterTable
ALTER TABLE "MissingEpisode" ADD COLUMN "interviewerEmailHash" TEXT;
ALTER TABLE "MissingEpisode" ADD COLUMN "interviewerHandleHash" TEXT;

-- AlterTable
ALTER TABLE "PendingGrant" ADD COLUMN "emailHash" TEXT;

-- CreateTable
CREATE TABLE "RateWindow" (
    "bucket" TEXT NOT NULL,
    "windowEnd" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("bucket", "windowEnd")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LinkMember" (
    "linkId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "childId" TEXT,
    "addedAt" DATETIME NOT NULL,

    PRIMARY KEY ("linkId", "recordId")
);
INSERT INTO "new_LinkMember" ("addedAt", "childId", "linkId", "recordId") SELECT "addedAt", "childId", "linkId", "recordId" FROM "LinkMember";
DROP TABLE "LinkMember";
ALTER TABLE "new_LinkMember" RENAME TO "LinkMember";
CREATE INDEX "LinkMember_recordId_idx" ON "LinkMember"("recordId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

