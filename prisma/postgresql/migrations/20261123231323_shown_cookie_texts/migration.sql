-- CreateTable
CREATE TABLE "ShownCookieText" (
    "brandId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "shown" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShownCookieText_pkey" PRIMARY KEY ("brandId","hash")
);

-- CreateIndex
CREATE INDEX "ShownCookieText_brandId_firstSeenAt_idx" ON "ShownCookieText"("brandId", "firstSeenAt");

-- AddForeignKey
ALTER TABLE "ShownCookieText" ADD CONSTRAINT "ShownCookieText_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Added by hand: the words a consent cites are never changed or removed.
CREATE FUNCTION "ShownCookieText_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ShownCookieText is append-only';
END;
$$;

CREATE TRIGGER "ShownCookieText_no_update" BEFORE UPDATE OR DELETE ON "ShownCookieText"
FOR EACH ROW EXECUTE FUNCTION "ShownCookieText_append_only"();
