-- CreateEnum
CREATE TYPE "KeyHandoverPolicy" AS ENUM ('APPROVAL', 'AUTO_APPLY');

-- AlterEnum
ALTER TYPE "KeyStatus" ADD VALUE 'PROPOSED';

-- AlterTable
ALTER TABLE "CustomerKey" ADD COLUMN     "replacesKeyId" UUID;

-- AlterTable
ALTER TABLE "OperationRun" ADD COLUMN     "targetKeyId" UUID;

-- CreateTable
CREATE TABLE "IsvSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "keyHandoverPolicy" "KeyHandoverPolicy" NOT NULL DEFAULT 'APPROVAL',
    "updatedBy" VARCHAR(320) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IsvSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OperationRun_targetKeyId_idx" ON "OperationRun"("targetKeyId");
