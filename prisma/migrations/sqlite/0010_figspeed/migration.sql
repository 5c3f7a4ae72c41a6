-- DropIndex
DROP INDEX "Record_type_createdAt_idx";

-- DropIndex
DROP INDEX "RiskCheck_createdAt_idx";

-- CreateIndex
CREATE INDEX "Record_type_createdAt_agencyId_idx" ON "Record"("type", "createdAt", "agencyId");

-- CreateIndex
CREATE INDEX "RiskCheck_createdAt_figures_idx" ON "RiskCheck"("createdAt", "check", "level", "chosenLevel", "score", "childId", "recordId");

-- CreateIndex
CREATE INDEX "MetListEntry_id_state_idx" ON "MetListEntry"("id", "status", "level", "nominatedAt", "childId");

