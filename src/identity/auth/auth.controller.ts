import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { SessionPrincipal } from '../../platform/request/principal';
import { Public, SessionOnly } from '../../platform/auth/route-auth';
import { CommonErrors } from '../../platform/errors/common-errors';
import { SessionsService } from '../sessions/sessions.service';
import { AuthRepository } from './auth.repository';
import {
  MfaRequiredResponse,
  PendingVerificationResponse,
  type SignInResult,
  SignedInResponse,
  toSignedInResponse,
} from './auth.responses';
import { LoginDto } from './dto/login.dto';
import { SignupDto } from './dto/signup.dto';
import { VerifyEmailDto } from './dto/verify-email.dto';
import { LoginService } from './login.service';
import { SignupService } from './signup.service';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';

/** OpenAPI body of every sign-in: signed in (cookie set), or the MFA step is next (no cookie). */
export const SIGN_IN_RESPONSE = {
  description:
    'Signed in: the `didhub_sid` cookie is set (`HttpOnly; Secure; SameSite=Lax; Path=/`). ' +
    'With MFA on: `{"mfa_required":true,"mfa_token":…}` and no cookie; continue with `POST /v1/auth/mfa/verify`.',
  schema: { oneOf: [{ $ref: getSchemaPath(SignedInResponse) }, { $ref: getSchemaPath(MfaRequiredResponse) }] },
};

@ApiTags('auth')
@ApiExtraModels(SignedInResponse, MfaRequiredResponse)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly signups: SignupService,
    private readonly logins: LoginService,
    private readonly sessions: SessionsService,
    private readonly users: AuthRepository,
  ) {}

  @Post('signup')
  @AuthRateLimit()
  @Public()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'signUp',
    summary: 'Create a user and an account it owns; mails a verification link',
    description:
      'Always 202, whether or not the address is registered (an existing address is mailed a notice instead), ' +
      'so the answer says nothing about who has an account. The link is valid for 24 hours.',
  })
  @ApiAcceptedResponse({ type: PendingVerificationResponse })
  @ApiBadRequestResponse({ description: '`parameter_invalid` or `password_too_weak`, naming the field in `param`.' })
  async signup(@Body() body: SignupDto): Promise<PendingVerificationResponse> {
    await this.signups.signup({ email: body.email, password: body.password, name: body.name, accountName: body.account_name });
    return { status: 'pending_verification' };
  }

  @Post('verify-email')
  @AuthRateLimit()
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: 'verifyEmail', summary: 'Confirm an email address with the mailed token and sign in', description: 'The token works once.' })
  @ApiOkResponse(SIGN_IN_RESPONSE)
  @ApiBadRequestResponse({ description: '`token_invalid`: unknown, used or expired token.' })
  verifyEmail(
    @Body() body: VerifyEmailDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SignInResult> {
    return this.signups.verifyEmail(body.token, req, res);
  }

  @Post('login')
  @AuthRateLimit()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'logIn',
    summary: 'Sign in with email and password',
    description:
      'Each sign-in starts a fresh session. After 5 consecutive wrong passwords the user is locked out for 15 minutes ' +
      '(429 with Retry-After, even for the right password).',
  })
  @ApiOkResponse(SIGN_IN_RESPONSE)
  @ApiUnauthorizedResponse({ description: '`invalid_credentials`: unknown email or wrong password (the same answer for both).' })
  @ApiForbiddenResponse({ description: '`email_not_verified`, `account_closed` (only after a correct password).' })
  @ApiTooManyRequestsResponse({ description: '`too_many_failed_logins`, with `Retry-After` in seconds.' })
  login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignInResult> {
    return this.logins.login(body.email, body.password, req, res);
  }

  @Post('logout')
  @SessionOnly({ duringMfaSetup: true })
  @HttpCode(204)
  @ApiOperation({ operationId: 'logOut', summary: 'Sign out: revokes this session and clears the cookie' })
  @ApiNoContentResponse()
  async logout(@CurrentPrincipal() principal: SessionPrincipal, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.revoke(principal.sessionId);
    this.sessions.clearCookie(res);
  }

  @Get('me')
  @SessionOnly({ duringMfaSetup: true })
  @ApiOperation({ operationId: 'getCurrentUser', summary: 'Who is signed in, the account this session acts for, and the session' })
  @ApiOkResponse({ type: SignedInResponse })
  async me(@CurrentPrincipal() principal: SessionPrincipal): Promise<SignedInResponse> {
    const view = await this.users.findSignedInView(principal.userId, principal.accountId);
    if (!view) throw CommonErrors.unauthenticated();
    return toSignedInResponse(view, { id: principal.sessionId, authLevel: principal.authLevel });
  }
}
