import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { SessionPrincipal } from '../../platform/request/principal';
import { Public, SessionOnly } from '../../platform/auth/route-auth';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';
import { SignedInResponse } from '../auth/auth.responses';
import {
  PasskeyListResponse,
  PasskeyOptionsResponse,
  PasskeyResponse,
  toPasskeyOptionsResponse,
  toPasskeyResponse,
} from './passkey.responses';
import { PasskeyLoginRequest, RegisterPasskeyRequest, RenamePasskeyRequest } from './passkey.requests';
import { PasskeysService } from './passkeys.service';

const CEREMONY =
  'Pass `options` to `navigator.credentials.create()` / `.get()` (after `PublicKeyCredential.parseCreationOptionsFromJSON` / ' +
  '`parseRequestOptionsFromJSON`), then send `credential.toJSON()` back. The challenge works once, for 5 minutes.';

@ApiTags('passkeys')
@Controller('auth')
export class PasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  @Post('passkeys/registration-options')
  @SessionOnly({ recentAuth: true, duringMfaSetup: true })
  @HttpCode(200)
  @ApiOperation({
    operationId: 'passkeyRegistrationOptions',
    summary: 'Start registering a passkey (needs a sign-in or step-up within 10 minutes)',
    description: `${CEREMONY} Discoverable credentials with user verification are asked for, so the passkey can also sign in without a password.`,
  })
  @ApiOkResponse({ type: PasskeyOptionsResponse })
  @ApiConflictResponse({ description: 'passkey_limit_reached (20 per user).' })
  async registrationOptions(@CurrentPrincipal() principal: SessionPrincipal): Promise<PasskeyOptionsResponse> {
    const { options, expiresAt } = await this.passkeys.registrationOptions(principal);
    return toPasskeyOptionsResponse(options, expiresAt);
  }

  @Post('passkeys/register')
  @AuthRateLimit()
  @SessionOnly({ recentAuth: true, duringMfaSetup: true })
  @ApiOperation({
    operationId: 'registerPasskey',
    summary: 'Finish registering a passkey',
    description:
      'Stores the public key (nothing secret), mails the user, and makes this session `passkey`-level. From now on the user has a ' +
      'second factor: password and OAuth sign-ins ask for it.',
  })
  @ApiCreatedResponse({ type: PasskeyResponse })
  @ApiBadRequestResponse({ description: 'passkey_registration_invalid: unknown, used or expired challenge, wrong origin or RP id, no user verification.' })
  @ApiConflictResponse({ description: 'passkey_already_registered, passkey_limit_reached.' })
  async register(@CurrentPrincipal() principal: SessionPrincipal, @Body() body: RegisterPasskeyRequest): Promise<PasskeyResponse> {
    return toPasskeyResponse(await this.passkeys.register(principal, body.credential, body.name));
  }

  @Get('passkeys')
  @SessionOnly({ duringMfaSetup: true })
  @ApiOperation({ operationId: 'listPasskeys', summary: "The signed-in user's passkeys", description: 'Oldest first; never a key.' })
  @ApiOkResponse({ type: PasskeyListResponse })
  async list(@CurrentPrincipal() principal: SessionPrincipal): Promise<PasskeyListResponse> {
    const rows = await this.passkeys.list(principal);
    return { object: 'list', data: rows.map(toPasskeyResponse), has_more: false, next_cursor: null };
  }

  @Patch('passkeys/:id')
  @SessionOnly()
  @ApiOperation({ operationId: 'renamePasskey', summary: 'Rename a passkey' })
  @ApiOkResponse({ type: PasskeyResponse })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `id` or `name`).' })
  @ApiNotFoundResponse({ description: 'resource_missing: not a passkey of this user.' })
  async rename(
    @CurrentPrincipal() principal: SessionPrincipal,
    @Param('id') id: string,
    @Body() body: RenamePasskeyRequest,
  ): Promise<PasskeyResponse> {
    return toPasskeyResponse(await this.passkeys.rename(principal, id, body.name));
  }

  @Delete('passkeys/:id')
  @SessionOnly({ recentAuth: true })
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deletePasskey',
    summary: 'Remove a passkey (needs a step-up within 10 minutes); mails the user',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiBadRequestResponse({ description: 'parameter_invalid (param `id`).' })
  @ApiNotFoundResponse({ description: 'resource_missing: not a passkey of this user.' })
  async remove(@CurrentPrincipal() principal: SessionPrincipal, @Param('id') id: string): Promise<void> {
    await this.passkeys.remove(principal, id);
  }

  @Post('passkeys/step-up-options')
  @AuthRateLimit()
  @SessionOnly({ duringMfaSetup: true })
  @HttpCode(200)
  @ApiOperation({
    operationId: 'passkeyStepUpOptions',
    summary: 'Passkey options for a step-up or a sensitive action',
    description: `${CEREMONY} Send the result as \`passkey\` to POST /v1/auth/reauthenticate (or any action that takes \`code\`).`,
  })
  @ApiOkResponse({ type: PasskeyOptionsResponse })
  async stepUpOptions(@CurrentPrincipal() principal: SessionPrincipal): Promise<PasskeyOptionsResponse> {
    const { options, expiresAt } = await this.passkeys.stepUpOptions(principal);
    return toPasskeyOptionsResponse(options, expiresAt);
  }

  @Post('passkeys/authentication-options')
  @AuthRateLimit()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'passkeySignInOptions',
    summary: 'Start a passwordless sign-in with a passkey',
    description: `${CEREMONY} No user is named: the browser offers the passkeys it holds for this site. Finish with POST /v1/auth/login/passkey.`,
  })
  @ApiOkResponse({ type: PasskeyOptionsResponse })
  async authenticationOptions(): Promise<PasskeyOptionsResponse> {
    const { options, expiresAt } = await this.passkeys.signInOptions();
    return toPasskeyOptionsResponse(options, expiresAt);
  }

  @Post('login/passkey')
  @AuthRateLimit()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'logInWithPasskey',
    summary: 'Sign in with a passkey, without a password',
    description:
      'A passkey that verified its user (biometrics or PIN) is both factors: the `didhub_sid` cookie is set for a session of ' +
      'auth_level `passkey`, with no MFA step.',
  })
  @ApiOkResponse({ type: SignedInResponse })
  @ApiUnauthorizedResponse({ description: 'passkey_invalid: unknown passkey, replayed or expired challenge, foreign origin, bad signature, counter gone back.' })
  login(@Body() body: PasskeyLoginRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignedInResponse> {
    return this.passkeys.login(body.credential, req, res);
  }
}
