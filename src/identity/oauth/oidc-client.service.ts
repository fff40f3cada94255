import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../../platform/logging/logger';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig, OAuthProviderConfig } from '../../platform/config/config.types';
import { OAuthErrors } from './oauth-errors';

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface VerifiedIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/**
 * openid-client per configured provider. Discovery runs on first use and is cached; a failed
 * discovery is forgotten so the next sign-in tries again.
 */
@Injectable()
export class OidcClientService {
  private readonly providers: Map<string, OAuthProviderConfig>;
  private readonly configurations = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {
    this.providers = new Map(config.oauthProviders.map((p) => [p.name, p]));
  }

  provider(name: string): OAuthProviderConfig {
    const provider = this.providers.get(name);
    if (!provider) throw OAuthErrors.unknownProvider();
    return provider;
  }

  async authorizationRequest(provider: OAuthProviderConfig, redirectUri: string): Promise<AuthorizationRequest> {
    const configuration = await this.configuration(provider);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: provider.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code (PKCE), checks state, nonce and the ID token, then reads the email claims. */
  async completeAuthorization(
    provider: OAuthProviderConfig,
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<VerifiedIdentity> {
    const configuration = await this.configuration(provider);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.translate(provider, error);
    }
    const claims = tokens.claims();
    if (!claims) throw OAuthErrors.callbackInvalid();
    let profile: Record<string, unknown> = claims;
    // Providers that follow the spec strictly put email claims in userinfo, not the ID token.
    if (claims.email === undefined) {
      try {
        profile = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub)), sub: claims.sub };
      } catch (error) {
        throw this.translate(provider, error);
      }
    }
    const email = typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : null;
    return {
      subject: claims.sub,
      email: email || null,
      emailVerified: profile.email_verified === true || profile.email_verified === 'true',
      name: typeof profile.name === 'string' && profile.name.trim() ? profile.name.trim().slice(0, 100) : null,
    };
  }

  private configuration(provider: OAuthProviderConfig): Promise<oidc.Configuration> {
    let pending = this.configurations.get(provider.name);
    if (!pending) {
      pending = this.discover(provider);
      this.configurations.set(provider.name, pending);
      pending.catch(() => this.configurations.delete(provider.name));
    }
    return pending;
  }

  private async discover(provider: OAuthProviderConfig): Promise<oidc.Configuration> {
    // Config allows plain http only for loopback issuers (local development and tests).
    const insecure = new URL(provider.issuer).protocol === 'http:';
    try {
      return await oidc.discovery(
        new URL(provider.issuer),
        provider.clientId,
        undefined,
        oidc.ClientSecretBasic(provider.clientSecret),
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
    } catch (error) {
      this.logger.warn({ provider: provider.name, err: errorSummary(error) }, 'OpenID discovery failed');
      throw OAuthErrors.providerUnavailable();
    }
  }

  private translate(provider: OAuthProviderConfig, error: unknown): Error {
    this.logger.warn({ provider: provider.name, err: errorSummary(error) }, 'OpenID sign-in failed');
    if (error instanceof oidc.AuthorizationResponseError) return OAuthErrors.denied();
    if (error instanceof oidc.ClientError || error instanceof oidc.ResponseBodyError) return OAuthErrors.callbackInvalid();
    return OAuthErrors.providerUnavailable();
  }
}

/**
 * Name and code only: a message may quote the provider's response (claims, error descriptions,
 * the callback's state or code), which is personal or secret.
 */
function errorSummary(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  const { error: providerError, status } = error as { error?: unknown; status?: unknown };
  return {
    name: error.name,
    code: (error as { code?: unknown }).code,
    // OAuth error codes (access_denied, invalid_grant...) and HTTP statuses are fixed vocabulary.
    ...(typeof providerError === 'string' && /^[a-z_]{1,64}$/.test(providerError) ? { provider_error: providerError } : {}),
    ...(typeof status === 'number' ? { status } : {}),
  };
}
