-- AlterTable
ALTER TABLE "users" DROP COLUMN "failed_login_count",
DROP COLUMN "locked_until";

-- CreateTable
CREATE TABLE "login_throttles" (
    "key" TEXT NOT NULL,
    "address_key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "window_start_at" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "login_throttles_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "login_throttles_address_key_idx" ON "login_throttles"("address_key");

-- CreateIndex
CREATE INDEX "login_throttles_window_start_at_idx" ON "login_throttles"("window_start_at");
