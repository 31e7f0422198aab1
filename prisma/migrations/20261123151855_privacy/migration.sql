-- CreateTable
CREATE TABLE "VisitorLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "brandId" TEXT NOT NULL,
    "visitorId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "VisitorLink_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Connector" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "brandId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secretCiphertext" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Connector_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ErasureRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "brandId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "executeAt" DATETIME NOT NULL,
    "deadlineAt" DATETIME NOT NULL,
    "erasedAt" DATETIME,
    "completedAt" DATETIME,
    "cancelledAt" DATETIME,
    "warnedAt" DATETIME,
    "identifiers" TEXT,
    "leaseUntil" DATETIME,
    CONSTRAINT "ErasureRequest_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ErasureRequest_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ErasureDispatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "requestId" TEXT NOT NULL,
    "connectorId" TEXT,
    "connectorName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "lastAttemptAt" DATETIME,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "acknowledgedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ErasureDispatch_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ErasureRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ErasureDispatch_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- AddColumns (plain ALTERs rather than Prisma's table rebuilds: see decision 9)
ALTER TABLE "Brand" ADD COLUMN "cookieConfig" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "Brand" ADD COLUMN "privacyEmail" TEXT;
ALTER TABLE "Brand" ADD COLUMN "erasureGraceDays" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Customer" ADD COLUMN "name" TEXT;
ALTER TABLE "Customer" ADD COLUMN "fieldSources" TEXT NOT NULL DEFAULT '{}';

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

