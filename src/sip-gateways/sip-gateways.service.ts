import { Injectable } from '@nestjs/common';
import type { CustomerPrincipal } from '../common/auth/principal';
import { encryptionContext, ENCRYPTED_FIELDS } from '../common/crypto/encrypted-fields';
import { EncryptionService } from '../common/crypto/encryption.service';
import { isIdOf, newId } from '../common/ids/ids';
import { CursorCodec } from '../common/pagination/cursor';
import { type ListResponse, toListPage } from '../common/pagination/list';
import type { CreateSipGatewayDto, SipGatewayResponseDto, UpdateSipGatewayDto } from './dto/sip-gateway.dto';
import { SipGatewayErrors } from './sip-gateway-errors';
import { normaliseGatewayHost } from './sip-gateway-host';
import { defaultPortFor, type SipTransport } from './sip-gateway-transport';
import { toSipGatewayResponse } from './sip-gateway.mapper';
import { type SipGatewayChange, SipGatewaysRepository } from './sip-gateways.repository';

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
    const host = this.host(input.host);
    const transport: SipTransport = input.transport ?? 'udp';
    const id = newId('sipGateway');
    const row = await this.gateways.create({
      id,
      accountId: principal.accountId,
      name: input.name,
      host,
      port: input.port ?? defaultPortFor(transport),
      transport,
      username: input.username,
      passwordEnc: this.seal(id, input.password),
      passwordUpdatedAt: new Date(),
    });
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
    if (input.name !== undefined) change.name = input.name;
    if (input.host !== undefined) change.host = this.host(input.host);
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
    const row = await this.gateways.update(principal.accountId, id, change);
    if (!row) throw SipGatewayErrors.notFound();
    return toSipGatewayResponse(row);
  }

  async delete(principal: CustomerPrincipal, id: string): Promise<void> {
    const deleted = isIdOf('sipGateway', id) && (await this.gateways.delete(principal.accountId, id));
    if (!deleted) throw SipGatewayErrors.notFound();
  }

  private host(value: string): string {
    const host = normaliseGatewayHost(value);
    if (!host) throw SipGatewayErrors.invalidHost();
    return host;
  }

  private seal(id: string, password: string): string {
    return this.encryption.encryptString(password, encryptionContext(ENCRYPTED_FIELDS.sipGatewayPassword, id));
  }
}
