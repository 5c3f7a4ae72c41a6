-- DropIndex
DROP INDEX "MissingEpisode_childId_lastSeenAt_idx";

-- DropIndex
DROP INDEX "MissingEpisode_returnedAt_interviewCompletedAt_idx";

-- DropIndex
DROP INDEX "MissingEpisode_interviewCompletedAt_interviewOutcome_interv_idx";

-- DropIndex
DROP INDEX "MissingEpisode_lastSeenAt_childId_idx";

-- DropIndex
DROP INDEX "MetLevelChange_entryId_changedAt_idx";

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "ageBand" INTEGER,
ADD COLUMN     "ethnicGroup" TEXT,
ADD COLUMN     "yearOfBirthEnc" TEXT;

-- CreateIndex
CREATE INDEX "MissingEpisode_childId_lastSeenAt_reportedTimesBefore_idx" ON "MissingEpisode"("childId", "lastSeenAt", "reportedTimesBefore");

-- CreateIndex
CREATE INDEX "MissingEpisode_returnedAt_interviews_idx" ON "MissingEpisode"("returnedAt", "interviewCompletedAt", "interviewOfferedAt", "interviewOutcome", "interviewDueAt", "childId", "interviewerId", "interviewerName");

-- CreateIndex
CREATE INDEX "MissingEpisode_due_idx" ON "MissingEpisode"("interviewCompletedAt", "interviewOutcome", "interviewDueAt", "interviewOfferedAt");

-- CreateIndex
CREATE INDEX "MissingEpisode_lastSeenAt_childId_reportedTimesBefore_idx" ON "MissingEpisode"("lastSeenAt", "childId", "reportedTimesBefore");

-- CreateIndex
CREATE INDEX "MetLevelChange_entryId_changedAt_id_toStatus_toLevel_idx" ON "MetLevelChange"("entryId", "changedAt", "id", "toStatus", "toLevel");

