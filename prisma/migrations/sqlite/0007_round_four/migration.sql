-- AlterTable
ALTER TABLE "Person" ADD COLUMN "mergedIntoId" TEXT;

-- AlterTable
ALTER TABLE "MissingEpisode" ADD COLUMN "carerNameEnc" TEXT;
ALTER TABLE "MissingEpisode" ADD COLUMN "interviewerEmail" TEXT;
ALTER TABLE "MissingEpisode" ADD COLUMN "interviewerHandle" TEXT;
ALTER TABLE "MissingEpisode" ADD COLUMN "reportedTimesBefore" INTEGER;

-- AlterTable
ALTER TABLE "MetListEntry" ADD COLUMN "proposedLevel" TEXT;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "keyId" TEXT;

-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" DATETIME;

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

-- CreateTable
CREATE TABLE "NrmReferral" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "childId" TEXT NOT NULL,
    "referredAt" DATETIME NOT NULL,
    "referredBy" TEXT NOT NULL,
    "nrmReferenceEnc" TEXT,
    "reasonableGrounds" TEXT NOT NULL DEFAULT 'pending',
    "reasonableGroundsAt" DATETIME,
    "conclusiveGrounds" TEXT NOT NULL DEFAULT 'pending',
    "conclusiveGroundsAt" DATETIME,
    "guardian" TEXT NOT NULL DEFAULT 'dont-know',
    "smuggled" TEXT NOT NULL DEFAULT 'dont-know',
    "recordedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Disruption" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "childId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "perpetratorHash" TEXT,
    "perpetratorEnc" TEXT,
    "agencyId" TEXT,
    "recordedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TrainingActivity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "agencyId" TEXT,
    "heldOn" DATETIME NOT NULL,
    "people" INTEGER NOT NULL,
    "frontlineStaff" INTEGER,
    "recordedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ChildKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "childId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ChildPair" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "childId" TEXT NOT NULL,
    "knownId" TEXT NOT NULL,
    "reasons" TEXT NOT NULL,
    "recordId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "moved" TEXT,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedById" TEXT
);

-- CreateIndex
CREATE INDEX "UserRole_role_idx" ON "UserRole"("role");

-- CreateIndex
CREATE UNIQUE INDEX "UserRole_userId_role_key" ON "UserRole"("userId", "role");

-- CreateIndex
CREATE INDEX "PendingGrant_platform_workspace_platformUserId_idx" ON "PendingGrant"("platform", "workspace", "platformUserId");

-- CreateIndex
CREATE INDEX "PendingGrant_email_idx" ON "PendingGrant"("email");

-- CreateIndex
CREATE INDEX "NrmReferral_childId_referredAt_idx" ON "NrmReferral"("childId", "referredAt");

-- CreateIndex
CREATE INDEX "NrmReferral_referredAt_idx" ON "NrmReferral"("referredAt");

-- CreateIndex
CREATE INDEX "Disruption_occurredAt_idx" ON "Disruption"("occurredAt");

-- CreateIndex
CREATE INDEX "TrainingActivity_heldOn_idx" ON "TrainingActivity"("heldOn");

-- CreateIndex
CREATE INDEX "ChildKey_hash_idx" ON "ChildKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "ChildKey_childId_kind_hash_key" ON "ChildKey"("childId", "kind", "hash");

-- CreateIndex
CREATE INDEX "ChildPair_status_createdAt_idx" ON "ChildPair"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChildPair_childId_knownId_key" ON "ChildPair"("childId", "knownId");

-- CreateIndex
CREATE INDEX "MissingEpisode_lastSeenAt_childId_idx" ON "MissingEpisode"("lastSeenAt", "childId");

-- CreateIndex
CREATE INDEX "MissingEpisode_interviewerId_idx" ON "MissingEpisode"("interviewerId");

-- CreateIndex
CREATE INDEX "MetLevelChange_changedAt_idx" ON "MetLevelChange"("changedAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_destination_deliveredAt_idx" ON "OutboxMessage"("destination", "deliveredAt");

-- CreateIndex
CREATE INDEX "LinkMention_kind_createdAt_idx" ON "LinkMention"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "LinkTerm_recordId_idx" ON "LinkTerm"("recordId");

