import { Injectable } from '@nestjs/common';
import type { AccountGrant } from '../auth/auth.repository';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';
import { insertOwnedAccount } from '../accounts/owned-account.repository';

const SIGN_IN_USER_SELECT = {
  id: true,
  emailVerifiedAt: true,
  mfaEnabled: true,
  defaultAccountId: true,
  // Oldest first, as for password sign-in: the fallback account when the default is closed.
  memberships: {
    select: { accountId: true, role: true, account: { select: { status: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
} satisfies Prisma.UserSelect;

export interface OAuthUserRow {
  id: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  defaultAccountId: string | null;
  grants: AccountGrant[];
}

export interface NewOAuthUser {
  userId: string;
  accountId: string;
  membershipId: string;
  identityId: string;
  provider: string;
  subject: string;
  email: string;
  name: string;
  accountName: string;
  emailVerifiedAt: Date | null;
}

interface SelectedUser {
  id: string;
  emailVerifiedAt: Date | null;
  mfaEnabled: boolean;
  defaultAccountId: string | null;
  memberships: { accountId: string; role: string; account: { status: string } }[];
}

function toRow(user: SelectedUser): OAuthUserRow {
  return {
    id: user.id,
    emailVerified: user.emailVerifiedAt !== null,
    mfaEnabled: user.mfaEnabled,
    defaultAccountId: user.defaultAccountId,
    grants: user.memberships.map((m) => ({ accountId: m.accountId, role: m.role, accountStatus: m.account.status })),
  };
}

@Injectable()
export class OAuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findByIdentity(provider: string, subject: string): Promise<OAuthUserRow | null> {
    const identity = await this.prisma.oAuthIdentity.findUnique({
      where: { provider_subject: { provider, subject } },
      select: { user: { select: SIGN_IN_USER_SELECT } },
    });
    return identity ? toRow(identity.user) : null;
  }

  async findByEmail(email: string): Promise<OAuthUserRow | null> {
    const user = await this.prisma.user.findUnique({ where: { email }, select: SIGN_IN_USER_SELECT });
    return user ? toRow(user) : null;
  }

  /**
   * Links a provider identity to an existing user. When the user had never verified the
   * address, the provider's verification now stands for it, and the unproven password goes:
   * whoever set it never showed they own the mailbox (account pre-hijacking).
   */
  async linkIdentity(input: { identityId: string; userId: string; provider: string; subject: string; claimEmail: boolean; now: Date }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.oAuthIdentity.create({
        data: { id: input.identityId, userId: input.userId, provider: input.provider, subject: input.subject },
      });
      if (input.claimEmail) {
        await tx.user.updateMany({
          where: { id: input.userId, emailVerifiedAt: null },
          data: { emailVerifiedAt: input.now, passwordHash: null },
        });
      }
    });
  }

  /** A new user owning a new account, signed in through the identity; one transaction. */
  async createUser(input: NewOAuthUser): Promise<OAuthUserRow> {
    return this.prisma.$transaction(async (tx) => {
      await insertOwnedAccount(tx, { ...input, passwordHash: null });
      await tx.oAuthIdentity.create({
        data: { id: input.identityId, userId: input.userId, provider: input.provider, subject: input.subject },
      });
      return {
        id: input.userId,
        emailVerified: input.emailVerifiedAt !== null,
        mfaEnabled: false,
        defaultAccountId: input.accountId,
        grants: [{ accountId: input.accountId, role: 'owner', accountStatus: 'active' }],
      };
    });
  }
}
