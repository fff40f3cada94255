import { Controller, Get, Inject, Param, Redirect, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiNotFoundResponse, ApiOperation, ApiParam, ApiSeeOtherResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../platform/auth/route-auth';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { readCookie } from '../sessions/session-cookie';
import { OAUTH_COOKIE_PATH, OAUTH_FLOW_TTL_MS, OAUTH_STATE_COOKIE } from './oauth-state-cookie';
import { OAuthService } from './oauth.service';

interface RedirectTo {
  url: string;
  statusCode: number;
}

const COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'lax', path: OAUTH_COOKIE_PATH } as const;

/**
 * Browser-facing, so both steps answer with redirects. The callback sends the browser back
 * to the first DASHBOARD_ORIGINS entry: `/` when signed in (cookie set), or
 * `/login/mfa#mfa_token=…` when the second factor is next (in the fragment, so it never
 * reaches a server log or a Referer). Refusals are ordinary JSON errors.
 */
@ApiTags('oauth')
@Controller('auth/oauth')
export class OAuthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly oauth: OAuthService,
  ) {}

  @Get(':provider/start')
  @AuthRateLimit()
  @Public()
  @Redirect()
  @ApiOperation({
    summary: 'Start OpenID Connect sign-in: redirects to the provider (state, nonce, PKCE S256)',
    description: `Sets a sealed \`${OAUTH_STATE_COOKIE}\` cookie (HttpOnly, Secure, SameSite=Lax, 10 minutes) that the callback needs.`,
  })
  @ApiParam({ name: 'provider', description: 'A provider name from OAUTH_PROVIDERS.' })
  @ApiFoundResponse({ description: 'To the provider’s authorization endpoint.' })
  @ApiNotFoundResponse({ description: 'oauth_provider_unknown' })
  async start(@Param('provider') provider: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<RedirectTo> {
    const flow = await this.oauth.start(provider, req);
    res.cookie(OAUTH_STATE_COOKIE, flow.cookieValue, { ...COOKIE_OPTIONS, maxAge: OAUTH_FLOW_TTL_MS });
    res.setHeader('Cache-Control', 'no-store');
    return { url: flow.authorizationUrl, statusCode: 302 };
  }

  @Get(':provider/callback')
  @AuthRateLimit()
  @Public()
  @Redirect()
  @ApiOperation({
    operationId: 'completeOAuth',
    summary: 'Provider redirect target: verifies the sign-in and signs the user in (MFA applies)',
    description:
      'A known identity signs in its user; otherwise a user with the same address is linked only when the provider ' +
      'says the address is verified; otherwise a new user and account are created. Redirects to the dashboard: `/` ' +
      'with the session cookie, or `/login/mfa#mfa_token=…` (no cookie) when MFA is on.',
  })
  @ApiSeeOtherResponse({ description: 'To the dashboard.' })
  async callback(@Param('provider') provider: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<RedirectTo> {
    res.setHeader('Cache-Control', 'no-store');
    const cookie = readCookie(req.headers.cookie, OAUTH_STATE_COOKIE) ?? null;
    // One flow, one callback: the cookie goes whatever the outcome.
    res.clearCookie(OAUTH_STATE_COOKIE, COOKIE_OPTIONS);
    const result = await this.oauth.callback(provider, cookie, req, res);
    const dashboard = this.config.dashboardOrigins[0];
    if ('mfa_required' in result) {
      return { url: `${dashboard}/login/mfa#mfa_token=${encodeURIComponent(result.mfa_token)}`, statusCode: 303 };
    }
    return { url: `${dashboard}/`, statusCode: 303 };
  }
}
