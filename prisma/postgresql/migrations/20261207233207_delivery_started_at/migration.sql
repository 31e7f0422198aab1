-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "startedAt" TIMESTAMP(3);


-- Deliveries reserved by a version that did not record when sending began may have been handed
-- over already: count them as begun, so a recovering worker never sends them blindly again.
UPDATE "Delivery" SET "startedAt" = "sentAt" WHERE "status" = 'sending';
