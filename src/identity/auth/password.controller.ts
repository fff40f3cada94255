import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { SessionPrincipal } from '../../platform/request/principal';
import { Public, SessionOnly } from '../../platform/auth/route-auth';
import { SIGN_IN_RESPONSE } from './auth.controller';
import { AcceptedResponse, MfaRequiredResponse, type SignInResult, SignedInResponse } from './auth.responses';
import { ChangePasswordDto } from './dto/change-password.dto';
import { ForgotPasswordDto } from './dto/forgot-password.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';
import { PasswordService } from './password.service';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';

@ApiTags('auth')
@ApiExtraModels(SignedInResponse, MfaRequiredResponse)
@Controller('auth/password')
export class PasswordController {
  constructor(private readonly passwords: PasswordService) {}

  @Post('change')
  @SessionOnly({ recentAuth: true })
  @HttpCode(204)
  @ApiOperation({ summary: 'Change the password; every other session of the user is signed out' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: '`current_password_incorrect`, `password_too_weak` or `parameter_invalid`.' })
  async change(@CurrentPrincipal() principal: SessionPrincipal, @Body() body: ChangePasswordDto): Promise<void> {
    await this.passwords.change(principal.userId, principal.sessionId, body.current_password, body.new_password);
  }

  @Post('forgot')
  @AuthRateLimit()
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mail a password reset link (valid one hour)',
    description:
      'Always 202, at once: the answer and its timing do not say whether the address is registered. The link is mailed after the response.',
  })
  @ApiAcceptedResponse({ type: AcceptedResponse })
  forgot(@Body() body: ForgotPasswordDto, @Res({ passthrough: true }) res: Response): AcceptedResponse {
    // Only once the answer is out: the look-up, token and mail then cannot delay it either way.
    res.once('close', () => this.passwords.forgot(body.email));
    return { status: 'accepted' };
  }

  @Post('reset')
  @AuthRateLimit()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a new password with the mailed token; signs out every session, then signs in',
    description: 'The token works once. With MFA on, the answer is `mfa_required` and the second factor is next.',
  })
  @ApiOkResponse(SIGN_IN_RESPONSE)
  @ApiBadRequestResponse({ description: '`token_invalid`, `password_too_weak` (param `new_password`) or `parameter_invalid`.' })
  reset(@Body() body: ResetPasswordDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignInResult> {
    return this.passwords.reset(body.token, body.new_password, req, res);
  }
}
