-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "sip_private_hosts_allowed" BOOLEAN NOT NULL DEFAULT false;
