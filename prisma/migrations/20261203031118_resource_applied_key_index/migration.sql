-- CreateIndex
CREATE INDEX "IsvResource_appliedKeyId_cmkState_idx" ON "IsvResource"("appliedKeyId", "cmkState");
