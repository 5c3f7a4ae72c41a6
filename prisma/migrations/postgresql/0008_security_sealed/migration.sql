-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "ageBand" INTEGER,
ADD COLUMN     "ethnicGroup" TEXT,
ADD COLUMN     "yearOfBirthEnc" TEXT;

