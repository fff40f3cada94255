import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { clientIp } from '../../platform/http/client-ip';
import { newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { userAgentOf } from '../sessions/sessions.service';
import { type LoginAttemptResponse, toLoginAttemptResponse } from './login-attempt.response';
import { type AttemptPosition, LoginHistoryRepository } from './login-history.repository';

export type SignInMethod = 'password' | 'mfa' | 'oauth' | 'verify_email' | 'password_reset' | 'passkey';

export interface LoginAttemptRecord {
  /** null when the attempt named no known user; such rows are never shown to anyone. */
  userId: string | null;
  success: boolean;
  method: SignInMethod;
  failureReason: string | null;
  ip: string | null;
  userAgent: string | null;
}

const CURSOR_SCOPE = 'login-history';

/** Where an attempt came from, as recorded in the history. */
export function attemptOrigin(req: Request): { ip: string | null; userAgent: string | null } {
  return { ip: clientIp(req), userAgent: userAgentOf(req) };
}

/** Every sign-in attempt, success or failure, from every flow (password, MFA, OAuth, links). */
@Injectable()
export class LoginHistoryService {
  constructor(
    private readonly attempts: LoginHistoryRepository,
    private readonly cursors: CursorCodec,
  ) {}

  async record(attempt: LoginAttemptRecord): Promise<void> {
    await this.attempts.create({ id: newId('loginAttempt'), ...attempt });
  }

  async list(userId: string, limit: number, cursor: string | undefined): Promise<ListResponse<LoginAttemptResponse>> {
    const after = cursor ? this.decodeCursor(cursor) : null;
    const rows = await this.attempts.listForUser(userId, limit + 1, after);
    return toListPage(rows, limit, toLoginAttemptResponse, (row) =>
      this.cursors.encodePosition(CURSOR_SCOPE, row.createdAt, row.id),
    );
  }

  private decodeCursor(cursor: string): AttemptPosition {
    const { at, id } = this.cursors.decodePosition(CURSOR_SCOPE, cursor);
    return { createdAt: at, id };
  }
}
