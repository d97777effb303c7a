-- CreateTable
CREATE TABLE "EvidencePack" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "json" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "keyId" VARCHAR(64) NOT NULL,
    "createdBy" VARCHAR(320) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvidencePack_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EvidencePack_customerId_createdAt_idx" ON "EvidencePack"("customerId", "createdAt");

-- AddForeignKey
ALTER TABLE "EvidencePack" ADD CONSTRAINT "EvidencePack_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
