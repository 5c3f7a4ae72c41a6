-- CreateTable
CREATE TABLE "LinkMention" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "recordId" TEXT NOT NULL,
    "childId" TEXT,
    "kind" TEXT NOT NULL,
    "valueEnc" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LinkTerm" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "term" TEXT NOT NULL,
    "mentionId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "childId" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Link" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'open',
    "kinds" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedBy" TEXT
);

-- CreateTable
CREATE TABLE "LinkMember" (
    "linkId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "childId" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL,

    PRIMARY KEY ("linkId", "recordId")
);

-- CreateIndex
CREATE INDEX "LinkMention_recordId_idx" ON "LinkMention"("recordId");

-- CreateIndex
CREATE INDEX "LinkTerm_term_createdAt_idx" ON "LinkTerm"("term", "createdAt");

-- CreateIndex
CREATE INDEX "Link_status_createdAt_idx" ON "Link"("status", "createdAt");

-- CreateIndex
CREATE INDEX "LinkMember_recordId_idx" ON "LinkMember"("recordId");

