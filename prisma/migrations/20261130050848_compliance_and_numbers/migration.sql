-- CreateTable
CREATE TABLE "end_users" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "first_name" TEXT,
    "last_name" TEXT,
    "date_of_birth_enc" TEXT,
    "document_type" TEXT,
    "document_number_enc" TEXT,
    "document_number_last4" TEXT,
    "business_name" TEXT,
    "registration_number_enc" TEXT,
    "address_street" TEXT NOT NULL,
    "address_city" TEXT NOT NULL,
    "address_region" TEXT,
    "address_postal_code" TEXT NOT NULL,
    "address_country" VARCHAR(2) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "end_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "documents" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "end_user_id" TEXT,
    "type" TEXT,
    "status" TEXT NOT NULL DEFAULT 'uploading',
    "content_type" TEXT,
    "size_bytes" INTEGER NOT NULL DEFAULT 0,
    "sha256" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_chunks" (
    "id" TEXT NOT NULL,
    "document_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "document_chunks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bundles" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "end_user_id" TEXT NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "number_type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "requirements_version" TEXT NOT NULL,
    "evaluation" JSONB,
    "submitted_at" TIMESTAMPTZ(3),
    "reviewed_at" TIMESTAMPTZ(3),
    "review_reason" TEXT,
    "review_items" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "bundles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bundle_documents" (
    "bundle_id" TEXT NOT NULL,
    "document_id" TEXT NOT NULL,

    CONSTRAINT "bundle_documents_pkey" PRIMARY KEY ("bundle_id","document_id")
);

-- CreateTable
CREATE TABLE "erasure_requests" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "end_user_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "erase_after" TIMESTAMPTZ(3),
    "holds" JSONB NOT NULL DEFAULT '[]',
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "erasure_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "numbers" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "e164" TEXT NOT NULL,
    "active_e164" TEXT,
    "country" VARCHAR(2) NOT NULL,
    "number_type" TEXT NOT NULL,
    "bundle_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "released_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "numbers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "end_users_account_id_created_at_id_idx" ON "end_users"("account_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "documents_account_id_created_at_id_idx" ON "documents"("account_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "documents_end_user_id_idx" ON "documents"("end_user_id");

-- CreateIndex
CREATE INDEX "documents_status_created_at_idx" ON "documents"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "document_chunks_document_id_seq_key" ON "document_chunks"("document_id", "seq");

-- CreateIndex
CREATE INDEX "bundles_account_id_created_at_id_idx" ON "bundles"("account_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "bundles_end_user_id_idx" ON "bundles"("end_user_id");

-- CreateIndex
CREATE INDEX "bundle_documents_document_id_idx" ON "bundle_documents"("document_id");

-- CreateIndex
CREATE UNIQUE INDEX "erasure_requests_end_user_id_key" ON "erasure_requests"("end_user_id");

-- CreateIndex
CREATE INDEX "erasure_requests_status_erase_after_idx" ON "erasure_requests"("status", "erase_after");

-- CreateIndex
CREATE UNIQUE INDEX "numbers_active_e164_key" ON "numbers"("active_e164");

-- CreateIndex
CREATE INDEX "numbers_account_id_created_at_id_idx" ON "numbers"("account_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "numbers_bundle_id_idx" ON "numbers"("bundle_id");

-- CreateIndex
CREATE INDEX "numbers_status_released_at_idx" ON "numbers"("status", "released_at");

-- AddForeignKey
ALTER TABLE "end_users" ADD CONSTRAINT "end_users_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_end_user_id_fkey" FOREIGN KEY ("end_user_id") REFERENCES "end_users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundles" ADD CONSTRAINT "bundles_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundles" ADD CONSTRAINT "bundles_end_user_id_fkey" FOREIGN KEY ("end_user_id") REFERENCES "end_users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundle_documents" ADD CONSTRAINT "bundle_documents_bundle_id_fkey" FOREIGN KEY ("bundle_id") REFERENCES "bundles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundle_documents" ADD CONSTRAINT "bundle_documents_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "erasure_requests" ADD CONSTRAINT "erasure_requests_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "numbers" ADD CONSTRAINT "numbers_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "numbers" ADD CONSTRAINT "numbers_bundle_id_fkey" FOREIGN KEY ("bundle_id") REFERENCES "bundles"("id") ON DELETE SET NULL ON UPDATE CASCADE;
