-- AlterTable
ALTER TABLE "ConsentRequest" ADD COLUMN     "forwardId" UUID;

-- CreateTable
CREATE TABLE "ConsentForward" (
    "id" UUID NOT NULL,
    "onboardingId" UUID NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "tenantId" UUID NOT NULL,
    "inviteTokenHash" CHAR(64) NOT NULL,
    "requestedBy" VARCHAR(320) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "replacedAt" TIMESTAMPTZ(3),
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsentForward_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConsentForward_tokenHash_key" ON "ConsentForward"("tokenHash");

-- CreateIndex
CREATE INDEX "ConsentForward_onboardingId_idx" ON "ConsentForward"("onboardingId");

-- CreateIndex
CREATE INDEX "ConsentRequest_forwardId_idx" ON "ConsentRequest"("forwardId");

-- AddForeignKey
ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_forwardId_fkey" FOREIGN KEY ("forwardId") REFERENCES "ConsentForward"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentForward" ADD CONSTRAINT "ConsentForward_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "TenantOnboarding"("id") ON DELETE CASCADE ON UPDATE CASCADE;
