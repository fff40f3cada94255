-- CreateTable
CREATE TABLE "sip_gateways" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "transport" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "password_enc" TEXT NOT NULL,
    "password_updated_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sip_gateways_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sip_gateways_account_id_created_at_id_idx" ON "sip_gateways"("account_id", "created_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "sip_gateways" ADD CONSTRAINT "sip_gateways_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
