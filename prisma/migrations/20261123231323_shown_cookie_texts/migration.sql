-- CreateTable
CREATE TABLE "ShownCookieText" (
    "brandId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "shown" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("brandId", "hash"),
    CONSTRAINT "ShownCookieText_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ShownCookieText_brandId_firstSeenAt_idx" ON "ShownCookieText"("brandId", "firstSeenAt");


-- Added by hand: the words a consent cites are never changed or removed.
CREATE TRIGGER "ShownCookieText_no_update" BEFORE UPDATE ON "ShownCookieText"
BEGIN
    SELECT RAISE(ABORT, 'ShownCookieText is append-only');
END;

CREATE TRIGGER "ShownCookieText_no_delete" BEFORE DELETE ON "ShownCookieText"
BEGIN
    SELECT RAISE(ABORT, 'ShownCookieText is append-only');
END;
