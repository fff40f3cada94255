import { Injectable } from '@nestjs/common';
import { type BackingNumberRow, heldBundleIds } from '../../compliance/holds/compliance-holds';
import type { RetentionOverrides } from './retention-overrides';
import { CDR_NUMBER_MASK } from './retention-policy';
import type { Sql } from './retention.repository';

/**
 * Removes an account's personal data inside the caller's transaction (the last step of
 * anonymisation). Members who still belong to another account that is not anonymised keep
 * their user row (it is theirs, not this account's) and lose only this membership; everyone
 * else's user row goes, and with it (ON DELETE CASCADE) their login history, recovery codes
 * and OAuth links. Sessions, keys, tokens, challenges and idempotency records (whose stored
 * responses can quote e-mail addresses) tied to the account or to a removed user go too.
 *
 * Compliance data: numbers still active are released now (the account is gone), which starts
 * their regulator's window. End-users, bundles and documents go unless a bundle is under such
 * a hold; held ones stay until the window ends (rules/compliance-records.rule.ts deletes them
 * then). Numbers that hold nothing have their E.164 masked.
 */
@Injectable()
export class AccountErasure {
  async erase(tx: Sql, accountId: string, overrides: RetentionOverrides, now: Date): Promise<void> {
    await this.eraseCompliance(tx, accountId, overrides, now);
    const members = await tx.$queryRawUnsafe<{ user_id: string; keep: boolean }[]>(
      `SELECT m.user_id,
              EXISTS (SELECT 1 FROM memberships o JOIN accounts a ON a.id = o.account_id
                       WHERE o.user_id = m.user_id AND o.account_id <> $1 AND a.status IN ('active', 'closed')) AS keep
         FROM memberships m WHERE m.account_id = $1`,
      accountId,
    );
    const dropped = members.filter((m) => !m.keep).map((m) => m.user_id);
    const kept = members.filter((m) => m.keep).map((m) => m.user_id);

    await tx.$executeRawUnsafe('DELETE FROM sessions WHERE account_id = $1 OR user_id = ANY($2)', accountId, dropped);
    await tx.$executeRawUnsafe('DELETE FROM api_keys WHERE account_id = $1', accountId);
    await tx.$executeRawUnsafe('DELETE FROM sip_gateways WHERE account_id = $1', accountId);
    await tx.$executeRawUnsafe('DELETE FROM idempotency_records WHERE account_id = $1', accountId);
    await tx.$executeRawUnsafe('DELETE FROM email_tokens WHERE account_id = $1 OR user_id = ANY($2)', accountId, dropped);
    await tx.$executeRawUnsafe('DELETE FROM mfa_challenges WHERE account_id = $1 OR user_id = ANY($2)', accountId, dropped);
    await tx.$executeRawUnsafe('DELETE FROM memberships WHERE account_id = $1', accountId);
    await tx.$executeRawUnsafe(
      `UPDATE users u SET default_account_id = (
          SELECT m.account_id FROM memberships m WHERE m.user_id = u.id ORDER BY m.created_at, m.id LIMIT 1)
        WHERE u.id = ANY($1) AND u.default_account_id = $2`,
      kept,
      accountId,
    );
    await tx.$executeRawUnsafe('DELETE FROM users WHERE id = ANY($1)', dropped);
  }

  private async eraseCompliance(tx: Sql, accountId: string, overrides: RetentionOverrides, now: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE numbers SET status = 'released', released_at = $2, active_e164 = NULL, updated_at = now()
        WHERE account_id = $1 AND status = 'active'`,
      accountId,
      now,
    );
    const numbers = await tx.$queryRawUnsafe<BackingNumberRow[]>(
      'SELECT bundle_id, status, country, released_at FROM numbers WHERE account_id = $1 AND bundle_id IS NOT NULL',
      accountId,
    );
    const held = [...heldBundleIds(numbers, overrides, now)];
    await tx.$executeRawUnsafe(
      'UPDATE numbers SET e164 = $3 WHERE account_id = $1 AND (bundle_id IS NULL OR NOT (bundle_id = ANY($2)))',
      accountId,
      held,
      CDR_NUMBER_MASK,
    );
    await tx.$executeRawUnsafe('DELETE FROM bundles WHERE account_id = $1 AND NOT (id = ANY($2))', accountId, held);
    await tx.$executeRawUnsafe(
      'DELETE FROM documents d WHERE d.account_id = $1 AND NOT EXISTS (SELECT 1 FROM bundle_documents bd WHERE bd.document_id = d.id)',
      accountId,
    );
    await tx.$executeRawUnsafe(
      'DELETE FROM end_users e WHERE e.account_id = $1 AND NOT EXISTS (SELECT 1 FROM bundles b WHERE b.end_user_id = e.id)',
      accountId,
    );
    // Erasure requests whose end-user is gone now are done; their rows are the record of it.
    await tx.$executeRawUnsafe(
      `UPDATE erasure_requests r SET status = 'completed', completed_at = $2, erase_after = NULL, holds = '[]', updated_at = now()
        WHERE r.account_id = $1 AND r.status = 'scheduled' AND NOT EXISTS (SELECT 1 FROM end_users e WHERE e.id = r.end_user_id)`,
      accountId,
      now,
    );
  }
}
