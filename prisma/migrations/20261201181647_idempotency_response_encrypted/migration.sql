-- Stored responses move to one encrypted envelope (response_enc). Existing records stay readable
-- through response_body/response_headers (written by older instances during a rolling deploy) and
-- are purged by retention within 25 h; a later migration drops those two columns.

-- AlterTable
ALTER TABLE "idempotency_records" ADD COLUMN     "response_enc" BYTEA;
