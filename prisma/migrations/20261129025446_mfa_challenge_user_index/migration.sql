-- CreateIndex
CREATE INDEX "mfa_challenges_user_id_locked_until_idx" ON "mfa_challenges"("user_id", "locked_until");
