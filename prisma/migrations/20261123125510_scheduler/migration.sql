-- AlterTable
ALTER TABLE "Message" ADD COLUMN "channel" TEXT;
ALTER TABLE "Message" ADD COLUMN "digestDeliveryId" TEXT;

-- CreateTable
CREATE TABLE "PushSubscription" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    CONSTRAINT "PushSubscription_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (by hand, as decision 9 asks: Prisma's diff would rebuild the table)
ALTER TABLE "Delivery" ADD COLUMN "error" TEXT;
ALTER TABLE "Delivery" ADD COLUMN "items" INTEGER NOT NULL DEFAULT 1;

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_messageId_channel_key" ON "Delivery"("messageId", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "PushSubscription_endpoint_key" ON "PushSubscription"("endpoint");

-- CreateIndex
CREATE INDEX "PushSubscription_customerId_idx" ON "PushSubscription"("customerId");

-- CreateIndex
CREATE INDEX "PushSubscription_brandId_idx" ON "PushSubscription"("brandId");

-- CreateIndex
CREATE INDEX "Message_customerId_status_dueAt_idx" ON "Message"("customerId", "status", "dueAt");

