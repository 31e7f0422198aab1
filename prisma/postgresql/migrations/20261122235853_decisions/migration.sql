-- AlterTable
ALTER TABLE "Brand" ADD COLUMN     "highPriorityReserve" INTEGER NOT NULL DEFAULT 20;

-- AlterTable
ALTER TABLE "CustomerPreference" ADD COLUMN     "sendSeq" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ChangeLog" (
    "id" SERIAL NOT NULL,
    "brandId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "origin" TEXT NOT NULL DEFAULT '',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChangeLog_at_idx" ON "ChangeLog"("at");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_createdAt_idx" ON "IdempotencyRecord"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyRecord_brandId_key_key" ON "IdempotencyRecord"("brandId", "key");


-- Every process keeps in-memory snapshots of preferences; a change committed anywhere is
-- announced to all of them (delivered at commit, so listeners never read ahead of it).
CREATE FUNCTION "ChangeLog_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mesure_changes', NEW."id"::text);
    RETURN NEW;
END;
$$;

CREATE TRIGGER "ChangeLog_notify" AFTER INSERT ON "ChangeLog"
FOR EACH ROW EXECUTE FUNCTION "ChangeLog_notify"();
