import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';

const MFA_USER_SELECT = {
  id: true,
  email: true,
  passwordHash: true,
  mfaEnabled: true,
  mfaSecretEnc: true,
  mfaPendingSecretEnc: true,
} as const;

export interface MfaUserRow {
  id: string;
  email: string;
  passwordHash: string | null;
  mfaEnabled: boolean;
  mfaSecretEnc: string | null;
  mfaPendingSecretEnc: string | null;
}

export interface EnableMfaInput {
  userId: string;
  /** The session that confirmed with a code: it counts as an `mfa` sign-in from `now`. */
  sessionId: string;
  now: Date;
  pendingSecretEnc: string;
  secretEnc: string;
  step: number;
  recoveryCodes: { id: string; codeHmac: string }[];
}

/** The user's MFA columns and recovery codes. */
@Injectable()
export class MfaRepository {
  constructor(private readonly prisma: PrismaService) {}

  findUser(userId: string): Promise<MfaUserRow | null> {
    return this.prisma.user.findUnique({ where: { id: userId }, select: MFA_USER_SELECT });
  }

  async setPendingSecret(userId: string, pendingSecretEnc: string): Promise<boolean> {
    const { count } = await this.prisma.user.updateMany({
      where: { id: userId, mfaEnabled: false },
      data: { mfaPendingSecretEnc: pendingSecretEnc },
    });
    return count === 1;
  }

  /**
   * Enables MFA only if the pending secret is still the one the code was checked against (a
   * concurrent setup-start would have replaced it), and swaps in fresh recovery codes.
   */
  enable(input: EnableMfaInput): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: input.userId, mfaEnabled: false, mfaPendingSecretEnc: input.pendingSecretEnc },
        data: { mfaEnabled: true, mfaSecretEnc: input.secretEnc, mfaPendingSecretEnc: null, mfaLastStep: BigInt(input.step) },
      });
      if (count !== 1) return false;
      await tx.mfaRecoveryCode.deleteMany({ where: { userId: input.userId } });
      await tx.mfaRecoveryCode.createMany({
        data: input.recoveryCodes.map((c) => ({ id: c.id, userId: input.userId, codeHmac: c.codeHmac })),
      });
      await tx.session.updateMany({
        where: { id: input.sessionId, userId: input.userId, revokedAt: null },
        data: { authLevel: 'mfa', authenticatedAt: input.now },
      });
      return true;
    });
  }

  disable(userId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: userId, mfaEnabled: true },
        data: { mfaEnabled: false, mfaSecretEnc: null, mfaPendingSecretEnc: null, mfaLastStep: null },
      });
      if (count !== 1) return false;
      await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
      return true;
    });
  }

  replaceRecoveryCodes(userId: string, codes: { id: string; codeHmac: string }[]): Promise<void> {
    return this.prisma.$transaction(async (tx) => {
      await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
      await tx.mfaRecoveryCode.createMany({ data: codes.map((c) => ({ id: c.id, userId, codeHmac: c.codeHmac })) });
    });
  }

  /** Accepts a TOTP step only if it is later than every step accepted before: no replay. */
  async acceptStep(userId: string, step: number): Promise<boolean> {
    const value = BigInt(step);
    const { count } = await this.prisma.user.updateMany({
      where: { id: userId, OR: [{ mfaLastStep: null }, { mfaLastStep: { lt: value } }] },
      data: { mfaLastStep: value },
    });
    return count === 1;
  }

  /** Burns a recovery code; false when it is unknown or was used already. */
  async burnRecoveryCode(userId: string, codeHmac: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.mfaRecoveryCode.updateMany({
      where: { userId, codeHmac, usedAt: null },
      data: { usedAt: now },
    });
    return count === 1;
  }
}
