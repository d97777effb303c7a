-- AlterTable
ALTER TABLE "CustomerKey" ADD COLUMN     "rotationLag" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "CustomerKey_status_health_expiresAt_rotationLag_id_idx" ON "CustomerKey"("status", "health" DESC, "expiresAt", "rotationLag" DESC, "id");
