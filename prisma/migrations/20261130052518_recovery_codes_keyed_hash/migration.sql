-- Hand-added: recovery codes were stored as unkeyed SHA-256, which cannot be converted to the
-- keyed HMAC (the codes themselves are not kept). They are invalidated: users with MFA keep their
-- authenticator app and generate new codes with POST /v1/auth/mfa/recovery-codes.
DELETE FROM "mfa_recovery_codes";

-- DropIndex
DROP INDEX "mfa_recovery_codes_user_id_code_hash_key";

-- AlterTable
ALTER TABLE "mfa_recovery_codes" DROP COLUMN "code_hash",
ADD COLUMN     "code_hmac" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "mfa_recovery_codes_user_id_code_hmac_key" ON "mfa_recovery_codes"("user_id", "code_hmac");
