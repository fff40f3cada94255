import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../platform/database/prisma.service';
import { insertOwnedAccount } from '../accounts/owned-account.repository';
import { isUniqueViolation } from '../../platform/errors/prisma-errors';

export interface AccountGrant {
  accountId: string;
  role: string;
  accountStatus: string;
}

export interface LoginUserRow {
  id: string;
  email: string;
  passwordHash: string | null;
  emailVerifiedAt: Date | null;
  mfaEnabled: boolean;
  defaultAccountId: string | null;
  grants: AccountGrant[];
}

export interface SignedInView {
  user: { id: string; email: string; name: string; emailVerifiedAt: Date | null; mfaEnabled: boolean };
  account: { id: string; name: string; mfaPolicy: string; mfaGraceUntil: Date | null };
  role: string;
}

export interface EmailTokenRow {
  id: string;
  userId: string | null;
  accountId: string | null;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface NewEmailToken {
  id: string;
  purpose: EmailTokenPurpose;
  tokenHash: string;
  userId: string;
  accountId: string | null;
  expiresAt: Date;
}

export type EmailTokenPurpose = 'verify_email' | 'password_reset';

export interface NewSignup {
  userId: string;
  email: string;
  name: string;
  passwordHash: string;
  accountId: string;
  accountName: string;
  membershipId: string;
  token: NewEmailToken;
}

const LOGIN_USER_SELECT = {
  id: true,
  email: true,
  passwordHash: true,
  emailVerifiedAt: true,
  mfaEnabled: true,
  defaultAccountId: true,
  memberships: {
    select: { accountId: true, role: true, account: { select: { status: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
} satisfies Prisma.UserSelect;

/** Mailed links that sign the user in: a password change spends all of them. */
const PASSWORD_BOUND_TOKENS: EmailTokenPurpose[] = ['verify_email', 'password_reset'];

async function spendOutstandingTokens(tx: Prisma.TransactionClient, userId: string, purposes: EmailTokenPurpose[], now: Date) {
  await tx.emailToken.updateMany({ where: { userId, purpose: { in: purposes }, usedAt: null }, data: { usedAt: now } });
}

const EMAIL_TOKEN_SELECT = { id: true, userId: true, accountId: true, expiresAt: true, usedAt: true } as const;

/** Users, their accounts and single-use mail tokens, as the sign-in flows need them. */
@Injectable()
export class AuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findLoginUser(where: { email: string } | { id: string }): Promise<LoginUserRow | null> {
    const row = await this.prisma.user.findUnique({ where, select: LOGIN_USER_SELECT });
    if (!row) return null;
    const { memberships, ...user } = row;
    return {
      ...user,
      grants: memberships.map((m) => ({ accountId: m.accountId, role: m.role, accountStatus: m.account.status })),
    };
  }

  async findSignedInView(userId: string, accountId: string): Promise<SignedInView | null> {
    const row = await this.prisma.membership.findUnique({
      where: { accountId_userId: { accountId, userId } },
      select: {
        role: true,
        account: { select: { id: true, name: true, mfaPolicy: true, mfaGraceUntil: true } },
        user: { select: { id: true, email: true, name: true, emailVerifiedAt: true, mfaEnabled: true } },
      },
    });
    return row ? { user: row.user, account: row.account, role: row.role } : null;
  }

  async emailExists(email: string): Promise<{ id: string; verified: boolean; defaultAccountId: string | null } | null> {
    const row = await this.prisma.user.findUnique({
      where: { email },
      select: { id: true, emailVerifiedAt: true, defaultAccountId: true },
    });
    return row ? { id: row.id, verified: row.emailVerifiedAt !== null, defaultAccountId: row.defaultAccountId } : null;
  }

  /** User, account, owner membership and verification token in one transaction; false if the email is taken. */
  async createSignup(signup: NewSignup): Promise<boolean> {
    try {
      await this.prisma.$transaction(async (tx) => {
        await insertOwnedAccount(tx, { ...signup, emailVerifiedAt: null });
        await tx.emailToken.create({ data: signup.token });
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async createEmailToken(token: NewEmailToken): Promise<void> {
    await this.prisma.emailToken.create({ data: token });
  }

  findEmailToken(tokenHash: string, purpose: EmailTokenPurpose): Promise<EmailTokenRow | null> {
    return this.prisma.emailToken.findFirst({ where: { tokenHash, purpose }, select: EMAIL_TOKEN_SELECT });
  }

  /** Spends the token and marks the address verified; false when the token was already spent or expired. */
  verifyEmail(tokenId: string, userId: string, now: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const spent = await tx.emailToken.updateMany({
        where: { id: tokenId, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (spent.count !== 1) return false;
      // Every other verification link of the user signs in too: one used, all spent.
      await spendOutstandingTokens(tx, userId, ['verify_email'], now);
      await tx.user.updateMany({ where: { id: userId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
      return true;
    });
  }

  /**
   * Spends the reset token (and every other reset or verification link of the user: both sign
   * in, and a new password must not leave an older way in), sets the password and revokes every session of
   * the user, all or nothing. Null when the token was already spent or expired.
   */
  resetPassword(tokenId: string, userId: string, passwordHash: string, now: Date): Promise<number | null> {
    return this.prisma.$transaction(async (tx) => {
      const spent = await tx.emailToken.updateMany({
        where: { id: tokenId, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (spent.count !== 1) return null;
      await spendOutstandingTokens(tx, userId, PASSWORD_BOUND_TOKENS, now);
      await tx.user.update({
        where: { id: userId },
        data: { passwordHash, passwordChangedAt: now },
      });
      // The reset link reached the mailbox, which proves the address as well as a verification link would.
      await tx.user.updateMany({ where: { id: userId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
      const revoked = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
      return revoked.count;
    });
  }

  /**
   * New password, every outstanding reset and verification link spent, and every other session of
   * the user revoked, together. Returns how many sessions were revoked.
   */
  changePassword(userId: string, passwordHash: string, keepSessionId: string, now: Date): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now } });
      await spendOutstandingTokens(tx, userId, PASSWORD_BOUND_TOKENS, now);
      const revoked = await tx.session.updateMany({
        where: { userId, revokedAt: null, id: { not: keepSessionId } },
        data: { revokedAt: now },
      });
      return revoked.count;
    });
  }

  async passwordHashOf(userId: string): Promise<{ email: string; passwordHash: string | null } | null> {
    return this.prisma.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  }
}
