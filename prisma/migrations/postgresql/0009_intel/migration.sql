-- AlterTable
ALTER TABLE "LinkMember" ALTER COLUMN "childId" DROP NOT NULL;

