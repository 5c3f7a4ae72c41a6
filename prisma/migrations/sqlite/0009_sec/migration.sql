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

-- CreateIndex
CREATE INDEX "PendingGrant_emailHash_idx" ON "PendingGrant"("emailHash");

