-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "operationState" TEXT,
ADD COLUMN     "step" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ArmWriteBudget" (
    "subscriptionId" UUID NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "ArmWriteBudget_pkey" PRIMARY KEY ("subscriptionId")
);
