-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN "customerId" TEXT;

-- CreateIndex
CREATE INDEX "WebhookDelivery_brandId_customerId_idx" ON "WebhookDelivery"("brandId", "customerId");


-- Added by hand: events written before this column name their customer in the payload only.
UPDATE "WebhookDelivery" SET "customerId" = (
    SELECT "Customer"."id" FROM "Customer"
    WHERE "Customer"."brandId" = "WebhookDelivery"."brandId"
      AND "Customer"."externalId" = json_extract("WebhookDelivery"."payload", '$.data.customer.externalId')
      AND "Customer"."erasedAt" IS NULL
)
WHERE json_extract("payload", '$.data.customer.externalId') IS NOT NULL;
