import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface OutboxRow {
  id: string;
  payloadEnc: string;
  attempts: number;
}

/** How long a claimed mail belongs to the instance delivering it (longer than any SMTP timeout). */
const LEASE_SECONDS = 120;

@Injectable()
export class MailOutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores a mail already claimed by the caller, which delivers it at once. */
  async insertClaimed(id: string, payloadEnc: string): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO mail_outbox (id, payload_enc, attempts, next_attempt_at, locked_until)
      VALUES (${id}, ${payloadEnc}, 1, now(), now() + make_interval(secs => ${LEASE_SECONDS}))`;
  }

  /**
   * Claims up to `limit` due mails (never one another instance is delivering: SKIP LOCKED and
   * the lease) and counts the attempt.
   */
  claimDue(limit: number): Promise<OutboxRow[]> {
    return this.prisma.$queryRaw<OutboxRow[]>`
      UPDATE mail_outbox SET attempts = attempts + 1, locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
      WHERE id IN (
        SELECT id FROM mail_outbox
        WHERE next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, payload_enc AS "payloadEnc", attempts`;
  }

  async countPending(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM mail_outbox`;
    return row.n;
  }

  /** Seconds the oldest due mail has been waiting (0 when none is due): the outbox's lag. */
  async oldestDueSeconds(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ s: number | null }[]>`
      SELECT extract(epoch FROM now() - min(next_attempt_at))::float8 AS s FROM mail_outbox WHERE next_attempt_at <= now()`;
    return Math.max(0, row.s ?? 0);
  }

  async delete(id: string): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM mail_outbox WHERE id = ${id}`;
  }

  async scheduleRetry(id: string, delaySeconds: number, errorCode: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE mail_outbox SET locked_until = NULL, last_error_code = ${errorCode},
        next_attempt_at = now() + make_interval(secs => ${delaySeconds})
      WHERE id = ${id}`;
  }
}
