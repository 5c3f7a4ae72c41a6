-- AlterTable
ALTER TABLE "MissingEpisode" ADD COLUMN "carerNameEnc" TEXT;
ALTER TABLE "MissingEpisode" ADD COLUMN "interviewerEmail" TEXT;
ALTER TABLE "MissingEpisode" ADD COLUMN "interviewerHandle" TEXT;
ALTER TABLE "MissingEpisode" ADD COLUMN "reportedTimesBefore" INTEGER;

-- CreateIndex
CREATE INDEX "MissingEpisode_interviewerId_idx" ON "MissingEpisode"("interviewerId");

