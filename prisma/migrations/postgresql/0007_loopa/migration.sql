-- AlterTable
ALTER TABLE "MissingEpisode" ADD COLUMN     "carerNameEnc" TEXT,
ADD COLUMN     "interviewerEmail" TEXT,
ADD COLUMN     "interviewerHandle" TEXT,
ADD COLUMN     "reportedTimesBefore" INTEGER;

-- CreateIndex
CREATE INDEX "MissingEpisode_interviewerId_idx" ON "MissingEpisode"("interviewerId");

