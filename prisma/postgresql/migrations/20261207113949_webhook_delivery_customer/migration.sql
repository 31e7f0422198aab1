-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "customerId" TEXT;

-- CreateIndex
CREATE INDEX "WebhookDelivery_brandId_customerId_idx" ON "WebhookDelivery"("brandId", "customerId");


-- Added by hand: events written before this column name their customer in the payload only.
UPDATE "WebhookDelivery" AS d SET "customerId" = c."id"
FROM "Customer" AS c
WHERE c."brandId" = d."brandId"
  AND c."externalId" = (d."payload"::jsonb #>> '{data,customer,externalId}')
  AND c."erasedAt" IS NULL;
