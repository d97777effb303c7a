-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "approvedAt" TIMESTAMPTZ(3),
ADD COLUMN     "approvedBy" VARCHAR(320);
