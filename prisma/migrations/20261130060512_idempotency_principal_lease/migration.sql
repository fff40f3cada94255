-- Hand-added: existing records carry unkeyed SHA-256 fingerprints of bodies that may hold
-- passwords, and no principal. They are dropped (replay memory lasts 24 hours at most anyway):
-- a retry of a request made before the upgrade runs as a new request.
DELETE FROM "idempotency_records";

-- DropIndex
DROP INDEX "idempotency_records_account_id_key_key";

-- AlterTable
ALTER TABLE "idempotency_records" ADD COLUMN     "lease_token" TEXT NOT NULL,
ADD COLUMN     "principal_id" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_records_account_id_principal_id_key_key" ON "idempotency_records"("account_id", "principal_id", "key");
