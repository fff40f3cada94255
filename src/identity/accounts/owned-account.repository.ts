import type { Prisma } from '../../generated/prisma/client';

export interface NewOwnedAccount {
  accountId: string;
  accountName: string;
  userId: string;
  membershipId: string;
  email: string;
  name: string;
  passwordHash: string | null;
  emailVerifiedAt: Date | null;
}

/**
 * A new user owning a new account (its default), inside the caller's transaction: the one way
 * both sign-up and a first OAuth sign-in create people, so the two cannot drift apart.
 */
export async function insertOwnedAccount(tx: Prisma.TransactionClient, input: NewOwnedAccount): Promise<void> {
  await tx.account.create({ data: { id: input.accountId, name: input.accountName } });
  await tx.user.create({
    data: {
      id: input.userId,
      email: input.email,
      name: input.name,
      passwordHash: input.passwordHash,
      emailVerifiedAt: input.emailVerifiedAt,
      defaultAccountId: input.accountId,
    },
  });
  await tx.membership.create({
    data: { id: input.membershipId, accountId: input.accountId, userId: input.userId, role: 'owner' },
  });
}
