import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SignedInResponse } from '../auth/auth.responses';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { SessionPrincipal } from '../../platform/request/principal';
import { Public, SessionOnly } from '../../platform/auth/route-auth';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';
import { StepUpProofDto } from '../auth/dto/step-up-proof.dto';
import { MfaCodeDto, MfaPasskeyOptionsRequest, MfaVerifyDto } from './dto/mfa.dto';
import { PasskeyOptionsResponse, toPasskeyOptionsResponse } from '../passkeys/passkey.responses';
import { MfaErrors } from './mfa-errors';
import {
  MfaEnabledResponse,
  MfaRecoveryCodesResponse,
  MfaSetupResponse,
  MfaStatusResponse,
  toMfaEnabledResponse,
  toMfaSetupResponse,
  toMfaStatusResponse,
  toRecoveryCodesResponse,
} from './mfa.responses';
import { MfaService } from './mfa.service';
import { MfaVerificationService } from './mfa-verification.service';

@ApiTags('mfa')
@Controller('auth')
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly verification: MfaVerificationService,
  ) {}

  @Post('mfa/setup-start')
  @SessionOnly({ recentAuth: true, duringMfaSetup: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start TOTP setup: a new secret, its otpauth URL and a QR code',
    description: 'Nothing changes for sign-in until setup-confirm. Calling it again replaces the unconfirmed secret.',
  })
  @ApiOkResponse({ type: MfaSetupResponse })
  @ApiConflictResponse({ description: 'mfa_already_enabled' })
  async setupStart(@CurrentPrincipal() principal: SessionPrincipal): Promise<MfaSetupResponse> {
    return toMfaSetupResponse(await this.mfa.setupStart(principal.userId));
  }

  @Post('mfa/setup-confirm')
  @AuthRateLimit()
  @SessionOnly({ recentAuth: true, duringMfaSetup: true })
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm TOTP setup with a current code; returns the recovery codes once' })
  @ApiOkResponse({ type: MfaEnabledResponse })
  @ApiUnauthorizedResponse({ description: 'mfa_code_invalid' })
  @ApiConflictResponse({ description: 'mfa_already_enabled, mfa_setup_not_started' })
  async setupConfirm(@CurrentPrincipal() principal: SessionPrincipal, @Body() body: MfaCodeDto): Promise<MfaEnabledResponse> {
    return toMfaEnabledResponse(principal.userId, await this.mfa.setupConfirm(principal, body.code));
  }

  @Post('mfa/disable')
  @AuthRateLimit()
  @SessionOnly()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Turn MFA off; needs a current code (TOTP or recovery code): the password alone is refused',
    description: 'Wrong codes count toward the same lock-out as the sign-in challenge (5 wrong → 15 minutes, 429 mfa_locked).',
  })
  @ApiOkResponse({ type: MfaStatusResponse })
  @ApiUnauthorizedResponse({ description: 'mfa_code_invalid' })
  @ApiTooManyRequestsResponse({ description: 'mfa_locked' })
  async disable(@CurrentPrincipal() principal: SessionPrincipal, @Body() body: StepUpProofDto): Promise<MfaStatusResponse> {
    await this.mfa.disable(principal, body);
    return toMfaStatusResponse(principal.userId, false);
  }

  @Post('mfa/recovery-codes')
  @AuthRateLimit()
  @SessionOnly()
  @HttpCode(200)
  @ApiOperation({ operationId: 'regenerateMfaRecoveryCodes', summary: 'Replace the recovery codes; needs a current code (TOTP or recovery code), not the password' })
  @ApiOkResponse({ type: MfaRecoveryCodesResponse })
  @ApiUnauthorizedResponse({ description: 'mfa_code_invalid' })
  @ApiTooManyRequestsResponse({ description: 'mfa_locked' })
  async regenerate(
    @CurrentPrincipal() principal: SessionPrincipal,
    @Body() body: StepUpProofDto,
  ): Promise<MfaRecoveryCodesResponse> {
    return toRecoveryCodesResponse(principal.userId, await this.mfa.regenerateRecoveryCodes(principal, body));
  }

  @Post('mfa/verify')
  @AuthRateLimit()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Second sign-in step: the mfa_token from sign-in plus a TOTP or recovery code, or a passkey',
    description:
      'Sets the `didhub_sid` cookie for a session of assurance level `mfa` (`passkey` when a passkey answered). The token is ' +
      'single use and lasts 5 minutes; after 5 wrong codes or refused passkeys the sign-in locks for 15 minutes (429 mfa_locked ' +
      'with Retry-After), even for the right code.',
  })
  @ApiOkResponse({ type: SignedInResponse })
  @ApiBadRequestResponse({ description: 'parameter_missing: neither `code` nor `passkey`; parameter_invalid: both.' })
  @ApiUnauthorizedResponse({ description: 'mfa_token_invalid, mfa_code_invalid, passkey_invalid' })
  @ApiTooManyRequestsResponse({ description: 'mfa_locked' })
  verify(
    @Body() body: MfaVerifyDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SignedInResponse> {
    if (body.passkey !== undefined) {
      if (body.code !== undefined) throw MfaErrors.oneFactor();
      return this.verification.verifyPasskey(body.mfa_token, body.passkey, req, res);
    }
    if (body.code === undefined) throw MfaErrors.factorMissing();
    return this.verification.verify(body.mfa_token, body.code, req, res);
  }

  @Post('mfa/passkey-options')
  @AuthRateLimit()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Passkey options for the second sign-in step',
    description:
      'For a user with a passkey: pass `options` to `navigator.credentials.get()`, then send the result as `passkey` to ' +
      'POST /v1/auth/mfa/verify with the same `mfa_token`.',
  })
  @ApiOkResponse({ type: PasskeyOptionsResponse })
  @ApiUnauthorizedResponse({ description: 'mfa_token_invalid' })
  @ApiTooManyRequestsResponse({ description: 'mfa_locked' })
  async passkeyOptions(@Body() body: MfaPasskeyOptionsRequest, @Req() req: Request): Promise<PasskeyOptionsResponse> {
    const { options, expiresAt } = await this.verification.passkeyOptions(body.mfa_token, req);
    return toPasskeyOptionsResponse(options, expiresAt);
  }
}
