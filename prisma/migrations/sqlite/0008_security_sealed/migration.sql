-- AlterTable
ALTER TABLE "Person" ADD COLUMN "ageBand" INTEGER;
ALTER TABLE "Person" ADD COLUMN "ethnicGroup" TEXT;
ALTER TABLE "Person" ADD COLUMN "yearOfBirthEnc" TEXT;

