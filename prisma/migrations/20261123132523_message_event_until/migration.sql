-- AlterTable
ALTER TABLE "MessageEvent" ADD COLUMN "until" DATETIME;

