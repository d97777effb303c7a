-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OnboardingState" AS ENUM ('INVITED', 'SIGNED_IN', 'CONSENTED', 'KEY_SUBMITTED', 'KEY_VERIFIED', 'APPLIED', 'HEALTHY', 'KEY_UNREACHABLE', 'REVOKED', 'FAILED');

-- CreateEnum
CREATE TYPE "ResourceKind" AS ENUM ('STORAGE_ACCOUNT', 'COSMOS_DB_ACCOUNT', 'DISK_ENCRYPTION_SET', 'SQL_SERVER');

-- CreateEnum
CREATE TYPE "CmkState" AS ENUM ('MICROSOFT_MANAGED', 'PENDING', 'APPLYING', 'APPLIED', 'DRIFTED', 'FAILED', 'REVERTING');

-- CreateEnum
CREATE TYPE "KeyVaultKind" AS ENUM ('VAULT', 'MANAGED_HSM');

-- CreateEnum
CREATE TYPE "KeyStatus" AS ENUM ('ACTIVE', 'SUPERSEDED', 'REVOKED');

-- CreateEnum
CREATE TYPE "VerificationStatus" AS ENUM ('PENDING', 'VERIFYING', 'WAITING_FOR_ROLE', 'VERIFIED', 'FAILED');

-- CreateEnum
CREATE TYPE "JobKind" AS ENUM ('VERIFY_KEY', 'APPLY_CMK', 'RECHECK_RESOURCE', 'ROTATE_KEY', 'REVERT_CMK');

-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('QUEUED', 'RUNNING', 'WAITING_ON_AZURE', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('OPERATOR', 'CUSTOMER', 'SYSTEM', 'ANONYMOUS');

-- CreateTable
CREATE TABLE "IsvIdentity" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "appClientId" UUID NOT NULL,
    "appObjectId" UUID,
    "uamiResourceId" VARCHAR(1024) NOT NULL,
    "uamiClientId" UUID NOT NULL,
    "uamiPrincipalId" UUID NOT NULL,
    "ficName" VARCHAR(120),
    "lastCheckedAt" TIMESTAMPTZ(3),
    "lastCheck" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IsvIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "nameKey" VARCHAR(200) NOT NULL,
    "contactEmail" VARCHAR(320),
    "createdBy" VARCHAR(320) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invite" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "pinnedTenant" VARCHAR(253),
    "services" "ResourceKind"[],
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedBy" VARCHAR(320),
    "createdBy" VARCHAR(320) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastOpenedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Invite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TenantOnboarding" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "inviteId" UUID NOT NULL,
    "state" "OnboardingState" NOT NULL DEFAULT 'INVITED',
    "stateChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tenantId" UUID,
    "tenantDisplayName" VARCHAR(256),
    "tenantDomain" VARCHAR(253),
    "signedInUserOid" UUID,
    "signedInUserUpn" VARCHAR(320),
    "consentedAt" TIMESTAMPTZ(3),
    "servicePrincipalObjectId" UUID,
    "lastError" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TenantOnboarding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentRequest" (
    "id" UUID NOT NULL,
    "onboardingId" UUID NOT NULL,
    "stateHash" CHAR(64) NOT NULL,
    "sessionHash" CHAR(64) NOT NULL,
    "tenantId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsentRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerKey" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "onboardingId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "keyUri" VARCHAR(2048) NOT NULL,
    "vaultHost" VARCHAR(253) NOT NULL,
    "vaultKind" "KeyVaultKind" NOT NULL,
    "keyName" VARCHAR(127) NOT NULL,
    "keyVersion" VARCHAR(32),
    "status" "KeyStatus" NOT NULL DEFAULT 'ACTIVE',
    "verificationStatus" "VerificationStatus" NOT NULL DEFAULT 'PENDING',
    "verification" JSONB,
    "lastVerifiedAt" TIMESTAMPTZ(3),
    "verifiedVersion" VARCHAR(32),
    "keyType" VARCHAR(16),
    "keySize" INTEGER,
    "keyEnabled" BOOLEAN,
    "notBefore" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3),
    "recoveryLevel" VARCHAR(64),
    "submittedBy" VARCHAR(320) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CustomerKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IsvResource" (
    "id" UUID NOT NULL,
    "armIdKey" VARCHAR(1024) NOT NULL,
    "armId" VARCHAR(1024) NOT NULL,
    "kind" "ResourceKind" NOT NULL,
    "name" VARCHAR(260) NOT NULL,
    "subscriptionId" UUID NOT NULL,
    "resourceGroup" VARCHAR(90) NOT NULL,
    "region" VARCHAR(64) NOT NULL,
    "customerId" UUID,
    "cmkState" "CmkState" NOT NULL DEFAULT 'MICROSOFT_MANAGED',
    "cmkStateChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedKeyId" UUID,
    "appliedKeyVersion" VARCHAR(32),
    "observed" JSONB,
    "lastReadAt" TIMESTAMPTZ(3),
    "lastError" JSONB,
    "discoveredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IsvResource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "kind" "JobKind" NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'QUEUED',
    "activeKey" VARCHAR(1100),
    "resourceId" UUID,
    "customerKeyId" UUID,
    "requestedBy" VARCHAR(320) NOT NULL,
    "reason" VARCHAR(1000),
    "plan" JSONB,
    "progress" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "operationUrl" VARCHAR(4096),
    "error" JSONB,
    "bossJobId" VARCHAR(64),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" "ActorType" NOT NULL,
    "actorId" VARCHAR(320),
    "actorRole" VARCHAR(32),
    "action" VARCHAR(64) NOT NULL,
    "targetType" VARCHAR(32) NOT NULL,
    "targetId" VARCHAR(1024),
    "customerId" UUID,
    "onboardingId" UUID,
    "outcome" VARCHAR(16) NOT NULL DEFAULT 'success',
    "details" JSONB,
    "requestId" VARCHAR(64),

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimitWindow" (
    "key" VARCHAR(200) NOT NULL,
    "windowStart" TIMESTAMPTZ(0) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("key","windowStart")
);

-- CreateIndex
CREATE UNIQUE INDEX "IsvIdentity_appClientId_key" ON "IsvIdentity"("appClientId");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_nameKey_key" ON "Customer"("nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "Invite_tokenHash_key" ON "Invite"("tokenHash");

-- CreateIndex
CREATE INDEX "Invite_customerId_createdAt_idx" ON "Invite"("customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "TenantOnboarding_inviteId_key" ON "TenantOnboarding"("inviteId");

-- CreateIndex
CREATE INDEX "TenantOnboarding_state_stateChangedAt_idx" ON "TenantOnboarding"("state", "stateChangedAt");

-- CreateIndex
CREATE INDEX "TenantOnboarding_customerId_idx" ON "TenantOnboarding"("customerId");

-- CreateIndex
CREATE INDEX "TenantOnboarding_tenantId_idx" ON "TenantOnboarding"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentRequest_stateHash_key" ON "ConsentRequest"("stateHash");

-- CreateIndex
CREATE INDEX "ConsentRequest_onboardingId_idx" ON "ConsentRequest"("onboardingId");

-- CreateIndex
CREATE INDEX "CustomerKey_customerId_status_idx" ON "CustomerKey"("customerId", "status");

-- CreateIndex
CREATE INDEX "CustomerKey_onboardingId_idx" ON "CustomerKey"("onboardingId");

-- CreateIndex
CREATE UNIQUE INDEX "IsvResource_armIdKey_key" ON "IsvResource"("armIdKey");

-- CreateIndex
CREATE INDEX "IsvResource_customerId_idx" ON "IsvResource"("customerId");

-- CreateIndex
CREATE INDEX "IsvResource_kind_cmkState_idx" ON "IsvResource"("kind", "cmkState");

-- CreateIndex
CREATE INDEX "IsvResource_subscriptionId_idx" ON "IsvResource"("subscriptionId");

-- CreateIndex
CREATE UNIQUE INDEX "Job_activeKey_key" ON "Job"("activeKey");

-- CreateIndex
CREATE INDEX "Job_state_createdAt_idx" ON "Job"("state", "createdAt");

-- CreateIndex
CREATE INDEX "Job_resourceId_createdAt_idx" ON "Job"("resourceId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_customerId_occurredAt_idx" ON "AuditEvent"("customerId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_onboardingId_occurredAt_idx" ON "AuditEvent"("onboardingId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "AuditEvent_occurredAt_idx" ON "AuditEvent"("occurredAt");

-- AddForeignKey
ALTER TABLE "Invite" ADD CONSTRAINT "Invite_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TenantOnboarding" ADD CONSTRAINT "TenantOnboarding_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TenantOnboarding" ADD CONSTRAINT "TenantOnboarding_inviteId_fkey" FOREIGN KEY ("inviteId") REFERENCES "Invite"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "TenantOnboarding"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerKey" ADD CONSTRAINT "CustomerKey_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerKey" ADD CONSTRAINT "CustomerKey_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "TenantOnboarding"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IsvResource" ADD CONSTRAINT "IsvResource_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IsvResource" ADD CONSTRAINT "IsvResource_appliedKeyId_fkey" FOREIGN KEY ("appliedKeyId") REFERENCES "CustomerKey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "IsvResource"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
