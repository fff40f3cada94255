import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';
import { isUniqueViolation } from '../../platform/errors/prisma-errors';

const PURPOSE = 'invitation';

const INVITATION_SELECT = {
  id: true,
  accountId: true,
  email: true,
  role: true,
  permissions: true,
  expiresAt: true,
  createdAt: true,
} as const;

export interface InvitationRow {
  id: string;
  accountId: string | null;
  email: string | null;
  role: string | null;
  permissions: string[];
  expiresAt: Date;
  createdAt: Date;
}

export interface NewInvitation {
  id: string;
  tokenHash: string;
  accountId: string;
  email: string;
  role: string;
  permissions: string[];
  invitedById: string;
  expiresAt: Date;
}

export type RedeemResult = 'redeemed' | 'token_used' | 'already_member';

class AlreadyMember extends Error {}

/** Invitations are single-use e-mail tokens (purpose `invitation`); only the token's hash is stored. */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A new invitation supersedes any still-open one for the same address and account. */
  create(invitation: NewInvitation, now: Date): Promise<InvitationRow> {
    return this.prisma.$transaction(async (tx) => {
      await tx.emailToken.updateMany({
        where: { purpose: PURPOSE, accountId: invitation.accountId, email: invitation.email, usedAt: null },
        data: { usedAt: now },
      });
      return tx.emailToken.create({ data: { ...invitation, purpose: PURPOSE }, select: INVITATION_SELECT });
    });
  }

  async userEmail(userId: string): Promise<string | null> {
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
    return user?.email ?? null;
  }

  findUsable(tokenHash: string, now: Date): Promise<InvitationRow | null> {
    return this.prisma.emailToken.findFirst({
      where: { tokenHash, purpose: PURPOSE, usedAt: null, expiresAt: { gt: now } },
      select: INVITATION_SELECT,
    });
  }

  /**
   * Consumes the token and creates the membership in one transaction: the conditional update
   * lets exactly one of two concurrent redemptions through, and a failed insert leaves the
   * token unused.
   */
  async redeem(invitationId: string, membership: { id: string; accountId: string; userId: string; role: string; permissions: string[] }, now: Date): Promise<RedeemResult> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.emailToken.updateMany({
          where: { id: invitationId, purpose: PURPOSE, usedAt: null, expiresAt: { gt: now } },
          data: { usedAt: now },
        });
        if (count === 0) return 'token_used' as const;
        try {
          await tx.membership.create({ data: membership });
        } catch (error) {
          if (isUniqueViolation(error)) throw new AlreadyMember();
          throw error;
        }
        return 'redeemed' as const;
      });
    } catch (error) {
      if (error instanceof AlreadyMember) return 'already_member';
      throw error;
    }
  }
}
