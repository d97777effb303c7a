-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "hash" CHAR(64),
ADD COLUMN     "prevHash" CHAR(64),
ADD COLUMN     "stream" VARCHAR(64),
ADD COLUMN     "streamSeq" INTEGER;

-- CreateIndex
CREATE INDEX "AuditEvent_customerId_id_idx" ON "AuditEvent"("customerId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_id_idx" ON "AuditEvent"("actorId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_action_id_idx" ON "AuditEvent"("action", "id");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_stream_streamSeq_key" ON "AuditEvent"("stream", "streamSeq");
