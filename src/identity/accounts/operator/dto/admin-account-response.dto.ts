import { ApiProperty } from '@nestjs/swagger';
import type { RetentionOverrides } from '../../../../data-protection/retention/retention-overrides';
import { RetentionOverridesDto } from './retention-overrides.dto';

/** The operator's view of an account: its state and operator-set overrides, no personal data. */
export class AdminAccountResponseDto {
  @ApiProperty({ enum: ['account'] }) object: 'account';
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['active', 'closed', 'anonymizing', 'anonymized'] }) status: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closed_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) anonymized_at: string | null;
  @ApiProperty() api_keys_enabled: boolean;
  @ApiProperty({ description: 'SIP gateways may use private, loopback and link-local hosts.' }) sip_private_hosts_allowed: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'null = the configured default' }) rate_limit_read_per_minute: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null = the configured default' }) rate_limit_write_per_minute: number | null;
  @ApiProperty({ type: RetentionOverridesDto, nullable: true, description: 'null = the default periods' })
  retention_overrides: RetentionOverrides | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
}
