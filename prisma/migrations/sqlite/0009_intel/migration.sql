-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LinkMember" (
    "linkId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "childId" TEXT,
    "addedAt" DATETIME NOT NULL,

    PRIMARY KEY ("linkId", "recordId")
);
INSERT INTO "new_LinkMember" ("addedAt", "childId", "linkId", "recordId") SELECT "addedAt", "childId", "linkId", "recordId" FROM "LinkMember";
DROP TABLE "LinkMember";
ALTER TABLE "new_LinkMember" RENAME TO "LinkMember";
CREATE INDEX "LinkMember_recordId_idx" ON "LinkMember"("recordId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

