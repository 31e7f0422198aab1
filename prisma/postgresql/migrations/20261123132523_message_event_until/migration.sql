-- AlterTable
ALTER TABLE "MessageEvent" ADD COLUMN     "until" TIMESTAMP(3);

