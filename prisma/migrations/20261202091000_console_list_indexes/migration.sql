-- DropIndex
DROP INDEX "TenantOnboarding_state_stateChangedAt_idx";

-- DropIndex
DROP INDEX "IsvResource_customerId_idx";

-- DropIndex
DROP INDEX "IsvResource_subscriptionId_idx";

-- DropIndex
DROP INDEX "AuditEvent_onboardingId_occurredAt_idx";

-- CreateIndex
CREATE INDEX "Customer_nameKey_idx" ON "Customer"("nameKey" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "TenantOnboarding_stateChangedAt_id_idx" ON "TenantOnboarding"("stateChangedAt", "id");

-- CreateIndex
CREATE INDEX "TenantOnboarding_state_stateChangedAt_id_idx" ON "TenantOnboarding"("state", "stateChangedAt", "id");

-- CreateIndex
CREATE INDEX "TenantOnboarding_tenantDomain_idx" ON "TenantOnboarding"("tenantDomain" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "CustomerKey_onboardingId_status_idx" ON "CustomerKey"("onboardingId", "status");

-- CreateIndex
CREATE INDEX "CustomerKey_status_verificationStatus_onboardingId_idx" ON "CustomerKey"("status", "verificationStatus", "onboardingId");

-- CreateIndex
CREATE INDEX "CustomerKey_vaultHost_idx" ON "CustomerKey"("vaultHost" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "IsvResource_name_id_idx" ON "IsvResource"("name", "id");

-- CreateIndex
CREATE INDEX "IsvResource_customerId_name_id_idx" ON "IsvResource"("customerId", "name", "id");

-- CreateIndex
CREATE INDEX "IsvResource_cmkState_name_id_idx" ON "IsvResource"("cmkState", "name", "id");

-- CreateIndex
CREATE INDEX "IsvResource_kind_name_id_idx" ON "IsvResource"("kind", "name", "id");

-- CreateIndex
CREATE INDEX "IsvResource_subscriptionId_name_id_idx" ON "IsvResource"("subscriptionId", "name", "id");

-- CreateIndex
CREATE INDEX "IsvResource_name_idx" ON "IsvResource"("name" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "IsvResource_armIdKey_idx" ON "IsvResource"("armIdKey" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "AuditEvent_onboardingId_occurredAt_id_idx" ON "AuditEvent"("onboardingId", "occurredAt", "id");
