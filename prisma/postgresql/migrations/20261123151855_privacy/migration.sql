-- AlterTable
ALTER TABLE "Brand" ADD COLUMN     "cookieConfig" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "erasureGraceDays" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "privacyEmail" TEXT;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "fieldSources" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "name" TEXT;

-- CreateTable
CREATE TABLE "VisitorLink" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "visitorId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VisitorLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Connector" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secretCiphertext" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErasureRequest" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "executeAt" TIMESTAMP(3) NOT NULL,
    "deadlineAt" TIMESTAMP(3) NOT NULL,
    "erasedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "warnedAt" TIMESTAMP(3),
    "identifiers" TEXT,
    "leaseUntil" TIMESTAMP(3),

    CONSTRAINT "ErasureRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErasureDispatch" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "connectorId" TEXT,
    "connectorName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "lastAttemptAt" TIMESTAMP(3),
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ErasureDispatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VisitorLink_customerId_idx" ON "VisitorLink"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "VisitorLink_brandId_visitorId_key" ON "VisitorLink"("brandId", "visitorId");

-- CreateIndex
CREATE UNIQUE INDEX "Connector_brandId_name_key" ON "Connector"("brandId", "name");

-- CreateIndex
CREATE INDEX "ErasureRequest_status_executeAt_idx" ON "ErasureRequest"("status", "executeAt");

-- CreateIndex
CREATE INDEX "ErasureRequest_brandId_requestedAt_idx" ON "ErasureRequest"("brandId", "requestedAt");

-- CreateIndex
CREATE INDEX "ErasureRequest_customerId_idx" ON "ErasureRequest"("customerId");

-- CreateIndex
CREATE INDEX "ErasureDispatch_status_nextAttemptAt_idx" ON "ErasureDispatch"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "ErasureDispatch_requestId_connectorId_key" ON "ErasureDispatch"("requestId", "connectorId");

-- AddForeignKey
ALTER TABLE "VisitorLink" ADD CONSTRAINT "VisitorLink_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Connector" ADD CONSTRAINT "Connector_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErasureRequest" ADD CONSTRAINT "ErasureRequest_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErasureRequest" ADD CONSTRAINT "ErasureRequest_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErasureDispatch" ADD CONSTRAINT "ErasureDispatch_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ErasureRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErasureDispatch" ADD CONSTRAINT "ErasureDispatch_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE SET NULL ON UPDATE CASCADE;

