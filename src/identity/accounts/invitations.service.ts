import { Inject, Injectable } from '@nestjs/common';
import type { SessionPrincipal } from '../../platform/request/principal';
import { newId } from '../../platform/ids/ids';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { dashboardLink } from '../../platform/mail/dashboard-links';
import { MailService } from '../../platform/mail/mail.service';
import { AccountErrors } from './account-errors';
import { AccountsRepository } from './accounts.repository';
import { toInvitationResponse, type InvitationResponseDto } from './dto/invitation.dto';
import { toMemberResponse, type MemberResponseDto } from './dto/member.dto';
import { hashInvitationToken, newInvitationToken } from './invitation-token';
import { InvitationsRepository } from './invitations.repository';
import { MembersRepository } from './members.repository';

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InvitationRequest {
  email: string;
  role: string;
  permissions: string[];
}

/**
 * Invitations for addresses without a DIDHub user. Accepting needs a session of the user with
 * the invited address: someone new signs up (and verifies) first, then accepts — so the
 * invitation never creates a user or a password itself, and a forwarded mail is useless to
 * anybody signed in under another address.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly invitations: InvitationsRepository,
    private readonly accounts: AccountsRepository,
    private readonly members: MembersRepository,
    private readonly mail: MailService,
  ) {}

  async invite(principal: SessionPrincipal, request: InvitationRequest): Promise<InvitationResponseDto> {
    const token = newInvitationToken();
    const now = new Date();
    const invitation = await this.invitations.create(
      {
        id: newId('invitation'),
        tokenHash: hashInvitationToken(token),
        accountId: principal.accountId,
        email: request.email,
        role: request.role,
        permissions: request.permissions,
        invitedById: principal.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
      now,
    );
    const account = await this.accounts.find(principal.accountId);
    const link = dashboardLink(this.config.dashboardOrigins[0], '/invitations/accept', token);
    await this.mail.sendBestEffort({
      to: request.email,
      subject: 'You are invited to a DIDHub account',
      text:
        `You have been invited to join the DIDHub account "${account?.name ?? ''}" as ${request.role}.\n\n` +
        `Sign up or sign in with this e-mail address, then accept the invitation within 7 days:\n${link}\n\n` +
        'If you did not expect this invitation, ignore this mail.\n',
    });
    return toInvitationResponse(invitation);
  }

  async accept(principal: SessionPrincipal, token: string): Promise<MemberResponseDto> {
    const now = new Date();
    const invitation = await this.invitations.findUsable(hashInvitationToken(token), now);
    if (!invitation?.accountId || !invitation.email) throw AccountErrors.invitationInvalid();
    const email = await this.invitations.userEmail(principal.userId);
    if (email?.toLowerCase() !== invitation.email.toLowerCase()) throw AccountErrors.invitationEmailMismatch();
    const account = await this.accounts.find(invitation.accountId);
    if (account?.status !== 'active') throw AccountErrors.invitationInvalid();

    const membershipId = newId('membership');
    const result = await this.invitations.redeem(
      invitation.id,
      {
        id: membershipId,
        accountId: invitation.accountId,
        userId: principal.userId,
        role: invitation.role ?? 'member',
        permissions: invitation.permissions,
      },
      now,
    );
    if (result === 'token_used') throw AccountErrors.invitationInvalid();
    if (result === 'already_member') throw AccountErrors.alreadyMember('token');
    const member = await this.members.findInAccount(invitation.accountId, membershipId);
    if (!member) throw AccountErrors.invitationInvalid();
    return toMemberResponse(member);
  }
}
