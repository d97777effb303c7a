-- CreateEnum
CREATE TYPE "KeyHealth" AS ENUM ('UNKNOWN', 'HEALTHY', 'WARNING', 'UNREACHABLE');

-- CreateEnum
CREATE TYPE "NotificationChannelKind" AS ENUM ('EMAIL', 'WEBHOOK');

-- CreateEnum
CREATE TYPE "DeliveryState" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- AlterTable
ALTER TABLE "CustomerKey" ADD COLUMN     "health" "KeyHealth" NOT NULL DEFAULT 'UNKNOWN',
ADD COLUMN     "healthChangedAt" TIMESTAMPTZ(3),
ADD COLUMN     "healthCheckedAt" TIMESTAMPTZ(3),
ADD COLUMN     "healthFindings" JSONB,
ADD COLUMN     "latestVersion" VARCHAR(32),
ADD COLUMN     "notifiedAt" TIMESTAMPTZ(3),
ADD COLUMN     "notifiedProblem" VARCHAR(400);

-- CreateTable
CREATE TABLE "KeyHealthCheck" (
    "id" BIGSERIAL NOT NULL,
    "keyId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "checkedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "health" "KeyHealth" NOT NULL,
    "findings" JSONB NOT NULL,

    CONSTRAINT "KeyHealthCheck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationChannel" (
    "id" UUID NOT NULL,
    "kind" "NotificationChannelKind" NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "target" VARCHAR(2048) NOT NULL,
    "secretSealed" TEXT,
    "customerId" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdBy" VARCHAR(320) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "event" VARCHAR(64) NOT NULL,
    "customerId" UUID,
    "keyId" UUID,
    "subject" VARCHAR(300) NOT NULL,
    "body" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationDelivery" (
    "id" UUID NOT NULL,
    "notificationId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "state" "DeliveryState" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER,
    "lastError" VARCHAR(1000),
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NotificationDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KeyHealthCheck_keyId_checkedAt_idx" ON "KeyHealthCheck"("keyId", "checkedAt");

-- CreateIndex
CREATE INDEX "NotificationChannel_customerId_idx" ON "NotificationChannel"("customerId");

-- CreateIndex
CREATE INDEX "Notification_keyId_createdAt_idx" ON "Notification"("keyId", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_createdAt_idx" ON "Notification"("createdAt");

-- CreateIndex
CREATE INDEX "NotificationDelivery_channelId_createdAt_idx" ON "NotificationDelivery"("channelId", "createdAt");

-- CreateIndex
CREATE INDEX "NotificationDelivery_state_createdAt_idx" ON "NotificationDelivery"("state", "createdAt");

-- CreateIndex
CREATE INDEX "CustomerKey_status_health_healthCheckedAt_idx" ON "CustomerKey"("status", "health", "healthCheckedAt");

-- CreateIndex
CREATE INDEX "CustomerKey_tenantId_status_idx" ON "CustomerKey"("tenantId", "status");

-- AddForeignKey
ALTER TABLE "KeyHealthCheck" ADD CONSTRAINT "KeyHealthCheck_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "CustomerKey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationChannel" ADD CONSTRAINT "NotificationChannel_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationDelivery" ADD CONSTRAINT "NotificationDelivery_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationDelivery" ADD CONSTRAINT "NotificationDelivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "NotificationChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;
