-- AlterTable
ALTER TABLE "MetListEntry" ADD COLUMN "proposedLevel" TEXT;

-- CreateTable
CREATE TABLE "UserRole" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PendingGrant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "platformUserId" TEXT,
    "email" TEXT,
    "role" TEXT NOT NULL,
    "agencyName" TEXT,
    "grantedById" TEXT NOT NULL,
    "grantedBy" TEXT NOT NULL,
    "needsConfirmation" BOOLEAN NOT NULL DEFAULT false,
    "confirmedById" TEXT,
    "confirmedBy" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "UserRole_role_idx" ON "UserRole"("role");

-- CreateIndex
CREATE UNIQUE INDEX "UserRole_userId_role_key" ON "UserRole"("userId", "role");

-- CreateIndex
CREATE INDEX "PendingGrant_platform_workspace_platformUserId_idx" ON "PendingGrant"("platform", "workspace", "platformUserId");

-- CreateIndex
CREATE INDEX "PendingGrant_email_idx" ON "PendingGrant"("email");

