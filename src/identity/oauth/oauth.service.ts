import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { SignInResult } from '../auth/auth.responses';
import { SignInService } from '../auth/sign-in.service';
import { DecryptionError } from '../../platform/crypto/decryption-error';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { newId } from '../../platform/ids/ids';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { OAuthErrors } from './oauth-errors';
import {
  OAUTH_COOKIE_CONTEXT,
  OAUTH_FLOW_TTL_MS,
  type OAuthFlowState,
  parseFlowState,
} from './oauth-state-cookie';
import { type OAuthUserRow, OAuthRepository } from './oauth.repository';
import { OidcClientService, type VerifiedIdentity } from './oidc-client.service';

export interface StartedFlow {
  authorizationUrl: string;
  cookieValue: string;
}

/**
 * OpenID Connect sign-in: who the provider says the person is → which DIDHub user that is
 * (known identity; else an existing user with the same address, only if the provider verified
 * it; else a new user and account) → SignInService, which applies MFA like every other sign-in.
 */
@Injectable()
export class OAuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: OidcClientService,
    private readonly repo: OAuthRepository,
    private readonly encryption: EncryptionService,
    private readonly signIn: SignInService,
  ) {}

  async start(providerName: string, req: Request): Promise<StartedFlow> {
    const provider = this.clients.provider(providerName);
    const redirectUri = `${this.config.publicApiUrl ?? requestOrigin(req)}/v1/auth/oauth/${provider.name}/callback`;
    const request = await this.clients.authorizationRequest(provider, redirectUri);
    const flow: OAuthFlowState = {
      provider: provider.name,
      state: request.state,
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      redirectUri,
      expiresAt: Date.now() + OAUTH_FLOW_TTL_MS,
    };
    return {
      authorizationUrl: request.url,
      cookieValue: this.encryption.encryptString(JSON.stringify(flow), OAUTH_COOKIE_CONTEXT),
    };
  }

  async callback(providerName: string, cookieValue: string | null, req: Request, res: Response): Promise<SignInResult> {
    const provider = this.clients.provider(providerName);
    const flow = this.openFlow(cookieValue);
    if (!flow || flow.provider !== provider.name || flow.expiresAt <= Date.now()) {
      await this.signIn.recordFailure(null, 'oauth', 'oauth_state_invalid', req);
      throw OAuthErrors.stateInvalid();
    }
    // The redirect URI is the one sent at start, not one rebuilt from this request's Host header.
    const callbackUrl = new URL(flow.redirectUri);
    callbackUrl.search = new URL(req.originalUrl, 'https://placeholder.invalid').search;
    let identity: VerifiedIdentity;
    try {
      identity = await this.clients.completeAuthorization(provider, callbackUrl, flow);
    } catch (error) {
      await this.signIn.recordFailure(null, 'oauth', 'oauth_failed', req);
      throw error;
    }
    const user = await this.resolveUser(provider.name, identity, req);
    return this.signIn.signInUser(user, 'oauth', req, res);
  }

  private async resolveUser(provider: string, identity: VerifiedIdentity, req: Request): Promise<OAuthUserRow> {
    const known = await this.repo.findByIdentity(provider, identity.subject);
    if (known) return known;
    if (!identity.email) {
      await this.signIn.recordFailure(null, 'oauth', 'oauth_email_missing', req);
      throw OAuthErrors.emailMissing();
    }
    const existing = await this.repo.findByEmail(identity.email);
    if (existing) {
      if (!identity.emailVerified) {
        await this.signIn.recordFailure(existing.id, 'oauth', 'oauth_email_unverified', req);
        throw OAuthErrors.emailUnverified();
      }
      await this.repo.linkIdentity({
        identityId: newId('oauthIdentity'),
        userId: existing.id,
        provider,
        subject: identity.subject,
        claimEmail: !existing.emailVerified,
        now: new Date(),
      });
      return existing;
    }
    const name = identity.name ?? identity.email.split('@')[0].slice(0, 100);
    return this.repo.createUser({
      userId: newId('user'),
      accountId: newId('account'),
      membershipId: newId('membership'),
      identityId: newId('oauthIdentity'),
      provider,
      subject: identity.subject,
      email: identity.email,
      name,
      accountName: name,
      emailVerifiedAt: identity.emailVerified ? new Date() : null,
    });
  }

  private openFlow(cookieValue: string | null): OAuthFlowState | null {
    if (!cookieValue) return null;
    try {
      return parseFlowState(this.encryption.decryptString(cookieValue, OAUTH_COOKIE_CONTEXT));
    } catch (error) {
      if (error instanceof DecryptionError) return null;
      throw error;
    }
  }
}

/** This API's origin as the client reached it (TRUST_PROXY makes req.protocol honour X-Forwarded-Proto). */
function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
