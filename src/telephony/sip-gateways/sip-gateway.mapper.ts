import type { SipGatewayResponseDto } from './dto/sip-gateway.dto';
import type { SipGatewayRecord } from './sip-gateways.repository';

/** The password never leaves: only that one is set and when it last changed. */
export function toSipGatewayResponse(row: SipGatewayRecord): SipGatewayResponseDto {
  return {
    object: 'sip_gateway',
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    transport: row.transport,
    username: row.username,
    password_set: true,
    password_updated_at: row.passwordUpdatedAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
