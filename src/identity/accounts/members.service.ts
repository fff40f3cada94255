import { Injectable } from '@nestjs/common';
import type { SessionPrincipal } from '../../platform/request/principal';
import { CommonErrors } from '../../platform/errors/common-errors';
import { isIdOf } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { toListPage, type ListResponse } from '../../platform/pagination/list';
import { AccountErrors } from './account-errors';
import { requireManager } from './account-roles';
import type { InvitationResponseDto } from './dto/invitation.dto';
import { toMemberResponse, type AddMemberDto, type MemberResponseDto, type UpdateMemberDto } from './dto/member.dto';
import { InvitationsService } from './invitations.service';
import { MemberFactors } from './member-factors';
import { MembersRepository, type LockedAccountMembers, type MemberListCursor, type MemberRow } from './members.repository';

const CURSOR_SCOPE = 'members';
const DEFAULT_LIMIT = 20;

@Injectable()
export class MembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly invitations: InvitationsService,
    private readonly cursors: CursorCodec,
    private readonly factors: MemberFactors,
  ) {}

  async list(principal: SessionPrincipal, limit = DEFAULT_LIMIT, cursor?: string): Promise<ListResponse<MemberResponseDto>> {
    const after = cursor ? this.decodeCursor(cursor) : null;
    const rows = await this.members.list(principal.accountId, limit + 1, after);
    const passkeys = await this.factors.passkeyCounts(rows.map((r) => r.userId));
    return toListPage(rows, limit, (row) => toMemberResponse(row, passkeys.get(row.userId) ?? 0), (row) =>
      this.cursors.encodePosition(CURSOR_SCOPE, row.createdAt, row.id),
    );
  }

  /**
   * Always an invitation, whether or not the address is registered: the answer must not tell the
   * inviter who has a DIDHub account, and nobody joins an account without accepting.
   */
  async add(principal: SessionPrincipal, input: AddMemberDto): Promise<InvitationResponseDto> {
    requireManager(principal);
    if (input.role === 'owner' && principal.role !== 'owner') throw AccountErrors.ownerRequired();
    const permissions = [...new Set(input.permissions ?? [])];
    return this.invitations.invite(principal, { email: input.email, role: input.role, permissions });
  }

  async update(principal: SessionPrincipal, id: string, change: UpdateMemberDto): Promise<MemberResponseDto> {
    requireManager(principal);
    this.checkId(id);
    const updated = await this.members.withAccountLock(principal.accountId, async (members) => {
      const member = await this.findLocked(members, id);
      const touchesOwner = member.role === 'owner' || change.role === 'owner';
      if (touchesOwner && principal.role !== 'owner') throw AccountErrors.ownerRequired();
      if (member.role === 'owner' && change.role !== undefined && change.role !== 'owner') {
        await this.ensureAnotherOwner(members);
      }
      if (change.role === undefined && change.permissions === undefined) return member;
      return members.update(member.id, {
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.permissions !== undefined ? { permissions: [...new Set(change.permissions)] } : {}),
      });
    });
    return toMemberResponse(updated);
  }

  /** Removing a member also ends their sessions acting for this account. */
  async remove(principal: SessionPrincipal, id: string): Promise<void> {
    requireManager(principal);
    this.checkId(id);
    await this.members.withAccountLock(principal.accountId, async (members) => {
      const member = await this.findLocked(members, id);
      if (member.role === 'owner') {
        if (principal.role !== 'owner') throw AccountErrors.ownerRequired();
        await this.ensureAnotherOwner(members);
      }
      await members.remove(member, new Date());
    });
  }

  private async findLocked(members: LockedAccountMembers, id: string): Promise<MemberRow> {
    const member = await members.find(id);
    if (!member) throw CommonErrors.notFound('member');
    return member;
  }

  private async ensureAnotherOwner(members: LockedAccountMembers): Promise<void> {
    if ((await members.countOwners()) <= 1) throw AccountErrors.lastOwner();
  }

  private checkId(id: string): void {
    if (!isIdOf('membership', id)) throw CommonErrors.notFound('member');
  }

  private decodeCursor(cursor: string): MemberListCursor {
    const { at, id } = this.cursors.decodePosition(CURSOR_SCOPE, cursor);
    return { createdAt: at, id };
  }
}
