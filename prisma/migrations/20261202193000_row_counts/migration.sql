-- CreateTable
CREATE TABLE "RowCount" (
    "tableName" VARCHAR(63) NOT NULL,
    "bucket" VARCHAR(63) NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "RowCount_pkey" PRIMARY KEY ("tableName","bucket")
);
