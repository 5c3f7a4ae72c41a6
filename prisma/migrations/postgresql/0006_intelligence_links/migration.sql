-- CreateTable
CREATE TABLE "LinkMention" (
    "id" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "childId" TEXT,
    "kind" TEXT NOT NULL,
    "valueEnc" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkMention_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkTerm" (
    "id" TEXT NOT NULL,
    "term" TEXT NOT NULL,
    "mentionId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "childId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkTerm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Link" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "kinds" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,

    CONSTRAINT "Link_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkMember" (
    "linkId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "childId" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkMember_pkey" PRIMARY KEY ("linkId","recordId")
);

-- CreateIndex
CREATE INDEX "LinkMention_recordId_idx" ON "LinkMention"("recordId");

-- CreateIndex
CREATE INDEX "LinkTerm_term_createdAt_idx" ON "LinkTerm"("term", "createdAt");

-- CreateIndex
CREATE INDEX "Link_status_createdAt_idx" ON "Link"("status", "createdAt");

-- CreateIndex
CREATE INDEX "LinkMember_recordId_idx" ON "LinkMember"("recordId");

