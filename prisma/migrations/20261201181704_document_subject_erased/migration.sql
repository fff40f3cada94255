-- AlterTable
ALTER TABLE "documents" ADD COLUMN     "subject_erased_at" TIMESTAMPTZ(3);
