import { Injectable } from '@nestjs/common';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { encryptionContext, ENCRYPTED_FIELDS } from '../../platform/crypto/encrypted-fields';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { isIdOf, newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import type { CreateSipGatewayDto, SipGatewayResponseDto, UpdateSipGatewayDto } from './dto/sip-gateway.dto';
import { SipGatewayErrors } from './sip-gateway-errors';
import { gatewayHostReach, normaliseGatewayHost } from './sip-gateway-host';
import { defaultPortFor, type SipTransport } from './sip-gateway-transport';
import { toSipGatewayResponse } from './sip-gateway.mapper';
import { type HostPermission, type SipGatewayChange, SipGatewaysRepository } from './sip-gateways.repository';

const CURSOR_SCOPE = 'sip_gateways';

/**
 * SIP trunks the switch registers with. The digest password is needed back in clear by the
 * switch, so it is encrypted (AES-256-GCM, bound to the row and field), not hashed; the API
 * only ever writes it.
 */
@Injectable()
export class SipGatewaysService {
  constructor(
    private readonly gateways: SipGatewaysRepository,
    private readonly encryption: EncryptionService,
    private readonly cursors: CursorCodec,
  ) {}

  async create(principal: CustomerPrincipal, input: CreateSipGatewayDto): Promise<SipGatewayResponseDto> {
    const { host, needs } = this.host(input.host);
    const transport: SipTransport = input.transport ?? 'udp';
    const id = newId('sipGateway');
    const row = await this.gateways.create(
      {
        id,
        accountId: principal.accountId,
        name: input.name,
        host,
        port: input.port ?? defaultPortFor(transport),
        transport,
        username: input.username,
        passwordEnc: this.seal(id, input.password),
        passwordUpdatedAt: new Date(),
      },
      needs,
    );
    if (row === 'not_allowed') throw SipGatewayErrors.internalHost();
    return toSipGatewayResponse(row);
  }

  async list(principal: CustomerPrincipal, limit: number, cursor: string | undefined): Promise<ListResponse<SipGatewayResponseDto>> {
    const after = cursor === undefined ? null : this.cursors.decodePosition(CURSOR_SCOPE, cursor);
    const rows = await this.gateways.list(principal.accountId, limit + 1, after && { createdAt: after.at, id: after.id });
    return toListPage(rows, limit, toSipGatewayResponse, (row) => this.cursors.encodePosition(CURSOR_SCOPE, row.createdAt, row.id));
  }

  async get(principal: CustomerPrincipal, id: string): Promise<SipGatewayResponseDto> {
    const row = isIdOf('sipGateway', id) ? await this.gateways.find(principal.accountId, id) : null;
    if (!row) throw SipGatewayErrors.notFound();
    return toSipGatewayResponse(row);
  }

  async update(principal: CustomerPrincipal, id: string, input: UpdateSipGatewayDto): Promise<SipGatewayResponseDto> {
    const current = isIdOf('sipGateway', id) ? await this.gateways.find(principal.accountId, id) : null;
    if (!current) throw SipGatewayErrors.notFound();
    const change: SipGatewayChange = {};
    let needs: HostPermission = 'any';
    if (input.name !== undefined) change.name = input.name;
    if (input.host !== undefined) ({ host: change.host, needs } = this.host(input.host));
    if (input.username !== undefined) change.username = input.username;
    if (input.transport !== undefined) {
      change.transport = input.transport;
      // A port that was the old transport's default follows the transport; a chosen one stays.
      if (input.port === undefined && current.port === defaultPortFor(current.transport as SipTransport)) {
        change.port = defaultPortFor(input.transport);
      }
    }
    if (input.port !== undefined) change.port = input.port;
    if (input.password !== undefined) {
      change.passwordEnc = this.seal(id, input.password);
      change.passwordUpdatedAt = new Date();
    }
    const row = await this.gateways.update(principal.accountId, id, change, needs);
    if (row === 'not_allowed') throw SipGatewayErrors.internalHost();
    if (!row) throw SipGatewayErrors.notFound();
    return toSipGatewayResponse(row);
  }

  async delete(principal: CustomerPrincipal, id: string): Promise<void> {
    const deleted = isIdOf('sipGateway', id) && (await this.gateways.delete(principal.accountId, id));
    if (!deleted) throw SipGatewayErrors.notFound();
  }

  /** The normalised host and what the account needs to use it; 400 for a host no account may use. */
  private host(value: string): { host: string; needs: HostPermission } {
    const host = normaliseGatewayHost(value);
    if (!host) throw SipGatewayErrors.invalidHost();
    const reach = gatewayHostReach(host);
    if (reach === 'unroutable') throw SipGatewayErrors.unroutableHost();
    return { host, needs: reach === 'internal' ? 'private_hosts' : 'any' };
  }

  private seal(id: string, password: string): string {
    return this.encryption.encryptString(password, encryptionContext(ENCRYPTED_FIELDS.sipGatewayPassword, id));
  }
}
