-- CreateEnum
CREATE TYPE "RunState" AS ENUM ('AWAITING_APPROVAL', 'RUNNING', 'PAUSED', 'CANCELLING', 'CANCELLED', 'FINISHED', 'DECLINED');

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "runId" UUID;

-- CreateTable
CREATE TABLE "OperationRun" (
    "id" UUID NOT NULL,
    "operation" VARCHAR(16) NOT NULL,
    "state" "RunState" NOT NULL DEFAULT 'AWAITING_APPROVAL',
    "selection" JSONB NOT NULL,
    "targetCustomerId" UUID,
    "requestedBy" VARCHAR(320) NOT NULL,
    "reason" VARCHAR(1000) NOT NULL,
    "approvedBy" VARCHAR(320),
    "approvedAt" TIMESTAMPTZ(3),
    "total" INTEGER NOT NULL DEFAULT 0,
    "cursor" UUID,
    "exhausted" BOOLEAN NOT NULL DEFAULT false,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OperationRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OperationRun_createdAt_id_idx" ON "OperationRun"("createdAt", "id");

-- CreateIndex
CREATE INDEX "OperationRun_state_createdAt_idx" ON "OperationRun"("state", "createdAt");

-- CreateIndex
CREATE INDEX "IsvResource_customerId_id_idx" ON "IsvResource"("customerId", "id");

-- CreateIndex
CREATE INDEX "Job_runId_state_idx" ON "Job"("runId", "state");

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_runId_fkey" FOREIGN KEY ("runId") REFERENCES "OperationRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
