-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Brand" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "locales" TEXT NOT NULL DEFAULT '["fr","en"]',
    "defaultTimezone" TEXT NOT NULL DEFAULT 'Europe/Paris',
    "theme" TEXT NOT NULL DEFAULT '{}',
    "embedOrigins" TEXT NOT NULL DEFAULT '[]',
    "globalWeeklyCap" INTEGER,
    "smsHelpText" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Brand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BrandChannelPolicy" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "dailyCap" INTEGER,
    "weeklyCap" INTEGER,
    "sendWindows" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "BrandChannelPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Topic" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "nameFr" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "descriptionFr" TEXT NOT NULL DEFAULT '',
    "descriptionEn" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "channels" TEXT NOT NULL,
    "defaultFrequency" TEXT NOT NULL DEFAULT 'instant',
    "defaultOn" BOOLEAN NOT NULL DEFAULT false,
    "doubleOptIn" BOOLEAN NOT NULL DEFAULT false,
    "filterFields" TEXT NOT NULL DEFAULT '[]',
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "archivedAt" TIMESTAMP(3),

    CONSTRAINT "Topic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'fr',
    "timezone" TEXT NOT NULL DEFAULT 'Europe/Paris',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "erasedAt" TIMESTAMP(3),

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerPreference" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "pausedUntil" TIMESTAMP(3),
    "contextMode" TEXT NOT NULL DEFAULT 'none',
    "contextUntil" TIMESTAMP(3),
    "contextTopics" TEXT NOT NULL DEFAULT '[]',
    "excludedTags" TEXT NOT NULL DEFAULT '[]',
    "globalWeeklyCap" INTEGER,
    "digestHour" INTEGER NOT NULL DEFAULT 9,
    "digestWeekday" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerPreference_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelPreference" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "quietStart" TEXT,
    "quietEnd" TEXT,
    "dailyCap" INTEGER,
    "weeklyCap" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelPreference_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subscription" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "topicId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "frequency" TEXT NOT NULL DEFAULT 'instant',
    "confirmedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertFilter" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "topicId" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "criteria" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "frequency" TEXT NOT NULL DEFAULT 'instant',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertFilter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentEvent" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "customerId" TEXT,
    "visitorId" TEXT,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "before" TEXT NOT NULL DEFAULT 'null',
    "after" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "policyVersion" TEXT NOT NULL DEFAULT '1',
    "shownTextHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "ConsentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentChain" (
    "brandId" TEXT NOT NULL,
    "length" INTEGER NOT NULL DEFAULT 0,
    "headHash" TEXT NOT NULL,

    CONSTRAINT "ConsentChain_pkey" PRIMARY KEY ("brandId")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "topicId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "channels" TEXT NOT NULL,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "tags" TEXT NOT NULL DEFAULT '[]',
    "attributes" TEXT NOT NULL DEFAULT '{}',
    "campaign" TEXT,
    "content" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "dueAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageEvent" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reasons" TEXT NOT NULL DEFAULT '[]',
    "channel" TEXT,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "messageId" TEXT,
    "topicKey" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "campaign" TEXT,
    "status" TEXT NOT NULL DEFAULT 'sent',
    "providerId" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Suppression" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "valueHash" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Brand_slug_key" ON "Brand"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "BrandChannelPolicy_brandId_channel_key" ON "BrandChannelPolicy"("brandId", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_brandId_idx" ON "ApiKey"("brandId");

-- CreateIndex
CREATE UNIQUE INDEX "Topic_brandId_key_key" ON "Topic"("brandId", "key");

-- CreateIndex
CREATE INDEX "Customer_brandId_email_idx" ON "Customer"("brandId", "email");

-- CreateIndex
CREATE INDEX "Customer_brandId_phone_idx" ON "Customer"("brandId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_brandId_externalId_key" ON "Customer"("brandId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerPreference_customerId_key" ON "CustomerPreference"("customerId");

-- CreateIndex
CREATE INDEX "CustomerPreference_brandId_idx" ON "CustomerPreference"("brandId");

-- CreateIndex
CREATE INDEX "ChannelPreference_brandId_idx" ON "ChannelPreference"("brandId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelPreference_customerId_channel_key" ON "ChannelPreference"("customerId", "channel");

-- CreateIndex
CREATE INDEX "Subscription_brandId_topicId_idx" ON "Subscription"("brandId", "topicId");

-- CreateIndex
CREATE UNIQUE INDEX "Subscription_customerId_topicId_channel_key" ON "Subscription"("customerId", "topicId", "channel");

-- CreateIndex
CREATE INDEX "AlertFilter_customerId_topicId_idx" ON "AlertFilter"("customerId", "topicId");

-- CreateIndex
CREATE INDEX "AlertFilter_brandId_idx" ON "AlertFilter"("brandId");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentEvent_hash_key" ON "ConsentEvent"("hash");

-- CreateIndex
CREATE INDEX "ConsentEvent_brandId_customerId_createdAt_idx" ON "ConsentEvent"("brandId", "customerId", "createdAt");

-- CreateIndex
CREATE INDEX "ConsentEvent_brandId_visitorId_idx" ON "ConsentEvent"("brandId", "visitorId");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentEvent_brandId_seq_key" ON "ConsentEvent"("brandId", "seq");

-- CreateIndex
CREATE INDEX "Message_status_dueAt_idx" ON "Message"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Message_brandId_customerId_createdAt_idx" ON "Message"("brandId", "customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_brandId_idempotencyKey_key" ON "Message"("brandId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "MessageEvent_messageId_at_idx" ON "MessageEvent"("messageId", "at");

-- CreateIndex
CREATE INDEX "Delivery_customerId_sentAt_idx" ON "Delivery"("customerId", "sentAt");

-- CreateIndex
CREATE INDEX "Delivery_customerId_campaign_idx" ON "Delivery"("customerId", "campaign");

-- CreateIndex
CREATE INDEX "Delivery_brandId_sentAt_idx" ON "Delivery"("brandId", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "Suppression_brandId_kind_valueHash_key" ON "Suppression"("brandId", "kind", "valueHash");

-- AddForeignKey
ALTER TABLE "BrandChannelPolicy" ADD CONSTRAINT "BrandChannelPolicy_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Topic" ADD CONSTRAINT "Topic_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerPreference" ADD CONSTRAINT "CustomerPreference_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelPreference" ADD CONSTRAINT "ChannelPreference_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "Topic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertFilter" ADD CONSTRAINT "AlertFilter_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertFilter" ADD CONSTRAINT "AlertFilter_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "Topic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentChain" ADD CONSTRAINT "ConsentChain_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "Topic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageEvent" ADD CONSTRAINT "MessageEvent_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Suppression" ADD CONSTRAINT "Suppression_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- The consent ledger is append-only: proof of consent is worthless if rows can be edited.
CREATE FUNCTION "ConsentEvent_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ConsentEvent is append-only';
END;
$$;

CREATE TRIGGER "ConsentEvent_no_update_or_delete" BEFORE UPDATE OR DELETE ON "ConsentEvent"
FOR EACH ROW EXECUTE FUNCTION "ConsentEvent_append_only"();
