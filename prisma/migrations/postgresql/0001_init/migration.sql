-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Agency" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "agencyId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "initials" TEXT NOT NULL,
    "nameEnc" TEXT NOT NULL,
    "lookupHash" TEXT,
    "dateOfBirthEnc" TEXT,
    "detailsEnc" TEXT,
    "yearOfBirth" INTEGER,
    "gender" TEXT,
    "ethnicity" TEXT,
    "accommodation" TEXT,
    "inCare" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Record" (
    "id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "schemaVersion" INTEGER NOT NULL,
    "childId" TEXT,
    "submittedById" TEXT NOT NULL,
    "agencyId" TEXT,
    "surface" TEXT NOT NULL,
    "immediateDanger" BOOLEAN NOT NULL DEFAULT false,
    "dataEnc" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReferenceCounter" (
    "key" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReferenceCounter_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "MissingEpisode" (
    "id" TEXT NOT NULL,
    "childId" TEXT NOT NULL,
    "missingRecordId" TEXT NOT NULL,
    "returnRecordId" TEXT,
    "missingFrom" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "reportedAt" TIMESTAMP(3) NOT NULL,
    "policeReference" TEXT,
    "returnedAt" TIMESTAMP(3),
    "safeAndWellAt" TIMESTAMP(3),
    "interviewDueAt" TIMESTAMP(3),
    "interviewerId" TEXT,
    "interviewerName" TEXT,
    "interviewOfferedAt" TIMESTAMP(3),
    "interviewOutcome" TEXT,
    "interviewCompletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MissingEpisode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskCheck" (
    "id" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "check" TEXT NOT NULL,
    "childId" TEXT,
    "level" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "chosenLevel" TEXT,
    "chosenReason" TEXT,
    "submittedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RiskCheck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetListEntry" (
    "id" TEXT NOT NULL,
    "childId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "level" TEXT,
    "reviewDate" TIMESTAMP(3),
    "leadProfessional" TEXT,
    "nominatedById" TEXT NOT NULL,
    "nominatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMP(3),
    "removalReason" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MetListEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetLevelChange" (
    "id" TEXT NOT NULL,
    "entryId" TEXT NOT NULL,
    "fromLevel" TEXT,
    "toLevel" TEXT,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "changedById" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetLevelChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "recordId" TEXT,
    "reference" TEXT,
    "initials" TEXT,
    "level" TEXT,
    "audience" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,
    "escalatedAt" TIMESTAMP(3),
    "posts" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "recordId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "payloadEnc" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Timer" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "leaseUntil" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "firedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Timer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "formId" TEXT NOT NULL,
    "stateEnc" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "key" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorId" TEXT,
    "actor" TEXT NOT NULL,
    "surface" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "recordType" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "detail" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "Agency_name_key" ON "Agency"("name");

-- CreateIndex
CREATE UNIQUE INDEX "User_platform_workspace_platformUserId_key" ON "User"("platform", "workspace", "platformUserId");

-- CreateIndex
CREATE INDEX "Person_kind_idx" ON "Person"("kind");

-- CreateIndex
CREATE INDEX "Person_lookupHash_idx" ON "Person"("lookupHash");

-- CreateIndex
CREATE UNIQUE INDEX "Record_reference_key" ON "Record"("reference");

-- CreateIndex
CREATE INDEX "Record_type_createdAt_idx" ON "Record"("type", "createdAt");

-- CreateIndex
CREATE INDEX "Record_submittedById_createdAt_idx" ON "Record"("submittedById", "createdAt");

-- CreateIndex
CREATE INDEX "Record_childId_idx" ON "Record"("childId");

-- CreateIndex
CREATE UNIQUE INDEX "MissingEpisode_missingRecordId_key" ON "MissingEpisode"("missingRecordId");

-- CreateIndex
CREATE UNIQUE INDEX "MissingEpisode_returnRecordId_key" ON "MissingEpisode"("returnRecordId");

-- CreateIndex
CREATE INDEX "MissingEpisode_childId_lastSeenAt_idx" ON "MissingEpisode"("childId", "lastSeenAt");

-- CreateIndex
CREATE INDEX "MissingEpisode_returnedAt_interviewCompletedAt_idx" ON "MissingEpisode"("returnedAt", "interviewCompletedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RiskCheck_recordId_key" ON "RiskCheck"("recordId");

-- CreateIndex
CREATE INDEX "RiskCheck_check_createdAt_idx" ON "RiskCheck"("check", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MetListEntry_childId_key" ON "MetListEntry"("childId");

-- CreateIndex
CREATE INDEX "MetListEntry_status_level_idx" ON "MetListEntry"("status", "level");

-- CreateIndex
CREATE INDEX "MetLevelChange_entryId_changedAt_idx" ON "MetLevelChange"("entryId", "changedAt");

-- CreateIndex
CREATE INDEX "Alert_acknowledgedAt_createdAt_idx" ON "Alert"("acknowledgedAt", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_destination_idempotencyKey_key" ON "OutboxMessage"("destination", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Timer_status_dueAt_idx" ON "Timer"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Timer_kind_subjectId_key" ON "Timer"("kind", "subjectId");

-- CreateIndex
CREATE INDEX "Conversation_expiresAt_idx" ON "Conversation"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_userId_channel_key" ON "Conversation"("userId", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_recordType_recordId_idx" ON "AuditEvent"("recordType", "recordId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Record" ADD CONSTRAINT "Record_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MissingEpisode" ADD CONSTRAINT "MissingEpisode_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RiskCheck" ADD CONSTRAINT "RiskCheck_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetListEntry" ADD CONSTRAINT "MetListEntry_childId_fkey" FOREIGN KEY ("childId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetLevelChange" ADD CONSTRAINT "MetLevelChange_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "MetListEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

