-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "keyId" TEXT;

-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" DATETIME;

