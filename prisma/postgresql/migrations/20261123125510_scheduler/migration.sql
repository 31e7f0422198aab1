-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "channel" TEXT,
ADD COLUMN     "digestDeliveryId" TEXT;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "error" TEXT,
ADD COLUMN     "items" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "PushSubscription" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "PushSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PushSubscription_endpoint_key" ON "PushSubscription"("endpoint");

-- CreateIndex
CREATE INDEX "PushSubscription_customerId_idx" ON "PushSubscription"("customerId");

-- CreateIndex
CREATE INDEX "PushSubscription_brandId_idx" ON "PushSubscription"("brandId");

-- CreateIndex
CREATE INDEX "Message_customerId_status_dueAt_idx" ON "Message"("customerId", "status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_messageId_channel_key" ON "Delivery"("messageId", "channel");

-- AddForeignKey
ALTER TABLE "PushSubscription" ADD CONSTRAINT "PushSubscription_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

