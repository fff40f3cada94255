import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator';
import type { SessionPrincipal } from '../../platform/request/principal';
import { SessionOnly } from '../../platform/auth/route-auth';
import { AuthRateLimit } from '../../platform/auth/rate-limit.decorators';
import { StepUpProofDto } from './dto/step-up-proof.dto';
import { ReauthenticatedResponse, toReauthenticatedResponse } from './step-up.responses';
import { StepUpService } from './step-up.service';

@ApiTags('auth')
@Controller('auth')
export class StepUpController {
  constructor(private readonly stepUp: StepUpService) {}

  @Post('reauthenticate')
  @AuthRateLimit()
  @SessionOnly({ duringMfaSetup: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Step-up: prove it is still you, for 10 minutes of sensitive actions',
    description:
      'With MFA on, send `code` (TOTP or recovery code); otherwise `password`. Sensitive actions (disable MFA, ' +
      'new recovery codes, new API keys, password change, account closure) answer 403 reauthentication_required ' +
      'when the last sign-in or step-up is older than 10 minutes.',
  })
  @ApiOkResponse({ type: ReauthenticatedResponse })
  @ApiUnauthorizedResponse({ description: 'mfa_code_invalid, invalid_password' })
  @ApiForbiddenResponse({ description: 'session_required' })
  async reauthenticate(
    @CurrentPrincipal() principal: SessionPrincipal,
    @Body() body: StepUpProofDto,
  ): Promise<ReauthenticatedResponse> {
    const at = await this.stepUp.reauthenticate(principal, body);
    return toReauthenticatedResponse(principal.sessionId, at);
  }
}
