-- DropIndex
DROP INDEX "MetListEntry_status_level_idx";

-- DropIndex
DROP INDEX "MetLevelChange_changedAt_idx";

-- CreateIndex
CREATE INDEX "Person_profile_idx" ON "Person"("ageBand", "gender", "ethnicGroup", "accommodation", "id");

-- CreateIndex
CREATE INDEX "RiskCheck_createdAt_idx" ON "RiskCheck"("createdAt");

-- CreateIndex
CREATE INDEX "MetListEntry_status_level_nominatedAt_idx" ON "MetListEntry"("status", "level", "nominatedAt");

-- CreateIndex
CREATE INDEX "MetListEntry_childId_nominatedAt_status_idx" ON "MetListEntry"("childId", "nominatedAt", "status");

-- CreateIndex
CREATE INDEX "MetLevelChange_changedAt_entryId_toStatus_toLevel_idx" ON "MetLevelChange"("changedAt", "entryId", "toStatus", "toLevel");

