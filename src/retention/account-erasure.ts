import { Injectable } from '@nestjs/common';
import type { Sql } from './retention.repository';

/**
 * Removes an account's personal data inside the caller's transaction (the last step of
 * anonymisation). Members who still belong to another account that is not anonymised keep
 * their user row (it is theirs, not this account's) and lose only this membership; everyone
 * else's user row goes, and with it (ON DELETE CASCADE) their login history, recovery codes
 * and OAuth links. Sessions, keys, tokens, challenges and idempotency records (whose stored
 * responses can quote e-mail addresses) tied to the account or to a removed user go too.
 */
@Injectable()
export class AccountErasure {
  async erase(tx: Sql, accountId: string): Promise<void> {
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
}
