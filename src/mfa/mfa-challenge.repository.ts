import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

export interface NewMfaChallenge {
  id: string;
  userId: string;
  accountId: string | null;
  tokenHash: string;
  method: string;
  expiresAt: Date;
}

@Injectable()
export class MfaChallengeRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(challenge: NewMfaChallenge): Promise<void> {
    await this.prisma.mfaChallenge.create({ data: challenge });
  }
}
