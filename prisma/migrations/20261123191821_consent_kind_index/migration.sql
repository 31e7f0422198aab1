-- CreateIndex
CREATE INDEX "ConsentEvent_brandId_kind_createdAt_idx" ON "ConsentEvent"("brandId", "kind", "createdAt");

