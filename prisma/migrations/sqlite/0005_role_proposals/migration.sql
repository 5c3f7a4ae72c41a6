-- CreateTable
CREATE TABLE "RoleProposal" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "agencyName" TEXT,
    "proposedById" TEXT NOT NULL,
    "proposedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "RoleProposal_userId_key" ON "RoleProposal"("userId");

