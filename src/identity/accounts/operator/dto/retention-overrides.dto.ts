import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min, ValidateIf } from 'class-validator';

const MAX_DAYS = 36_500;

const Days = (description: string) => (target: object, key: string) => {
  ApiPropertyOptional({ type: Number, minimum: 0, maximum: MAX_DAYS, description })(target, key);
  ValidateIf((_, value) => value !== undefined)(target, key);
  IsInt()(target, key);
  Min(0)(target, key);
  Max(MAX_DAYS)(target, key);
};

/**
 * Per-account retention overrides (src/data-protection/retention/retention-overrides.ts). Each number replaces
 * one default period, shorter or longer; `legal_hold: true` stops every deletion and the
 * anonymisation of the account until it is set back.
 */
export class RetentionOverridesDto {
  @ApiPropertyOptional({ description: 'Nothing of the account is deleted or anonymised while true.' })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  legal_hold?: boolean;

  @Days('Days after closure before anonymisation (default 30).')
  closure_grace_days?: number;

  @Days("Days of login history kept for the account's members (default 90).")
  login_history_days?: number;

  @Days('Days invoices and CDRs are kept after their date once the account is anonymised (default: by jurisdiction, 7 years if unlisted).')
  billing_retention_days?: number;

  @Days('Days CDRs of the live account are kept (default: the account’s lifetime).')
  cdr_retention_days?: number;

  @Days("Days compliance documents and bundles are kept after their number's release (default: the regulator's window per country).")
  compliance_window_days?: number;
}
