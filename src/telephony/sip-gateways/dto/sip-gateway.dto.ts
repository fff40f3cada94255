import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ListEnvelopeDto } from '../../../platform/pagination/list';
import { SingleLine } from '../../../platform/validation/single-line';
import { SIP_TRANSPORTS } from '../sip-gateway-transport';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const HOST_DESCRIPTION =
  'A hostname or an IP address; no scheme, port or path. It must be reachable on the public internet: loopback, ' +
  'link-local and private-network addresses (RFC 1918, 100.64/10, fc00::/7, their IPv4-mapped forms) and names such as ' +
  '`localhost`, `*.localhost`, `*.local`, `*.internal`, `*.home.arpa` are 400 `host_not_allowed` unless the operator allows ' +
  'private hosts for the account; unspecified, multicast, broadcast, documentation and reserved addresses and zone ids always are.';

export const SIP_PASSWORD_MIN_LENGTH = 12;
export const SIP_PASSWORD_MAX_LENGTH = 128;

export class CreateSipGatewayDto {
  @ApiProperty({ example: 'Frankfurt SBC', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @SingleLine()
  name: string;

  @ApiProperty({ example: 'sbc1.example.com', maxLength: 253, description: HOST_DESCRIPTION })
  @IsString()
  @MaxLength(253)
  host: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 65535, description: 'Default: 5060 for udp and tcp, 5061 for tls.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: SIP_TRANSPORTS, default: 'udp' })
  @IsOptional()
  @IsIn(SIP_TRANSPORTS, { message: `transport must be one of: ${SIP_TRANSPORTS.join(', ')}` })
  transport?: (typeof SIP_TRANSPORTS)[number];

  @ApiProperty({ example: 'didhub-trunk-1', minLength: 1, maxLength: 128, description: 'The digest user name.' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(/^\S+$/, { message: 'username must not contain spaces' })
  @SingleLine()
  username: string;

  @ApiProperty({
    format: 'password',
    writeOnly: true,
    minLength: SIP_PASSWORD_MIN_LENGTH,
    maxLength: SIP_PASSWORD_MAX_LENGTH,
    description: 'The digest password. Write-only: stored encrypted, never returned (see `password_set`).',
  })
  @IsString()
  @MinLength(SIP_PASSWORD_MIN_LENGTH)
  @MaxLength(SIP_PASSWORD_MAX_LENGTH)
  @SingleLine({ message: 'password must not contain control characters' })
  password: string;
}

/** Every field optional; a new `password` replaces the stored one and moves `password_updated_at`. */
export class UpdateSipGatewayDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @SingleLine()
  name?: string;

  @ApiPropertyOptional({ maxLength: 253, description: HOST_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  host?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 65535 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({
    enum: SIP_TRANSPORTS,
    description: 'Changing the transport without a port moves a default port along (5060 ↔ 5061); a custom port stays.',
  })
  @IsOptional()
  @IsIn(SIP_TRANSPORTS, { message: `transport must be one of: ${SIP_TRANSPORTS.join(', ')}` })
  transport?: (typeof SIP_TRANSPORTS)[number];

  @ApiPropertyOptional({ minLength: 1, maxLength: 128 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(/^\S+$/, { message: 'username must not contain spaces' })
  @SingleLine()
  username?: string;

  @ApiPropertyOptional({ format: 'password', writeOnly: true, minLength: SIP_PASSWORD_MIN_LENGTH, maxLength: SIP_PASSWORD_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MinLength(SIP_PASSWORD_MIN_LENGTH)
  @MaxLength(SIP_PASSWORD_MAX_LENGTH)
  @SingleLine({ message: 'password must not contain control characters' })
  password?: string;
}

export class SipGatewayResponseDto {
  @ApiProperty({ enum: ['sip_gateway'] }) object: 'sip_gateway';
  @ApiProperty({ example: 'sipgw_4fQzT0bW9yXk2LmN8pRs1a' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() host: string;
  @ApiProperty({ type: 'integer' }) port: number;
  @ApiProperty({ enum: SIP_TRANSPORTS }) transport: string;
  @ApiProperty() username: string;
  @ApiProperty({ description: 'A password is stored (always true: it is required). The password itself is never returned.' })
  password_set: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) password_updated_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
}

export class SipGatewayListResponseDto extends ListEnvelopeDto {
  @ApiProperty({ type: [SipGatewayResponseDto] }) data: SipGatewayResponseDto[];
}
