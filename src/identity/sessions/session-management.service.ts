import { Injectable } from '@nestjs/common';
import type { SessionPrincipal } from '../../platform/request/principal';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isIdOf } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { toListPage, type ListResponse } from '../../platform/pagination/list';
import { SessionManagementRepository, type SessionListCursor, type SessionRow } from './session-management.repository';
import { SessionsService } from './sessions.service';
import { toSessionResponse, type SessionResponseDto } from './dto/session.response';

const CURSOR_SCOPE = 'sessions';
const DEFAULT_LIMIT = 20;

@Injectable()
export class SessionManagementService {
  constructor(
    private readonly repository: SessionManagementRepository,
    private readonly sessions: SessionsService,
    private readonly cursors: CursorCodec,
  ) {}

  async list(principal: SessionPrincipal, limit = DEFAULT_LIMIT, cursor?: string): Promise<ListResponse<SessionResponseDto>> {
    const after = cursor ? this.decodeCursor(cursor) : null;
    const rows = await this.repository.listLive(principal.userId, new Date(), limit + 1, after);
    return toListPage(
      rows,
      limit,
      (row) => toSessionResponse(row, principal.sessionId),
      (row) => this.cursors.encodePosition(CURSOR_SCOPE, row.createdAt, row.id),
    );
  }

  /** Revoking is idempotent: an own session that already ended is returned as it is. */
  async revoke(principal: SessionPrincipal, id: string): Promise<{ session: SessionResponseDto; current: boolean }> {
    if (!isIdOf('session', id)) throw CommonErrors.notFound('session');
    const existing = await this.repository.findOwned(principal.userId, id);
    if (!existing) throw CommonErrors.notFound('session');
    await this.repository.revokeOwned(principal.userId, id, new Date());
    const row = (await this.repository.findOwned(principal.userId, id)) as SessionRow;
    return { session: toSessionResponse(row, principal.sessionId), current: id === principal.sessionId };
  }

  async revokeOthers(principal: SessionPrincipal): Promise<number> {
    return this.sessions.revokeAllForUser(principal.userId, principal.sessionId);
  }

  private decodeCursor(cursor: string): SessionListCursor {
    const { at, id } = this.cursors.decodePosition(CURSOR_SCOPE, cursor);
    return { createdAt: at, id };
  }
}
