-- AlterTable
ALTER TABLE "Alert" ADD COLUMN "subjectUserId" TEXT;

