import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SessionPrincipal } from '../../platform/request/principal';
import { effectiveScopes } from '../../platform/auth/scopes';
import { isIdOf, newId } from '../../platform/ids/ids';
import { APP_LOGGER } from '../../platform/logging/logger';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { MailService } from '../../platform/mail/mail.service';
import { EventPublisher } from '../../events/events/event-publisher';
import { ApiKeyErrors } from './api-key-errors';
import { resolveKeyScopes } from './api-key-scopes';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from './api-key-token';
import { toApiKeyResponse, toCreatedApiKeyResponse } from './api-key.mapper';
import { type ApiKeyPosition, ApiKeysRepository } from './api-keys.repository';
import type { CreateApiKeyDto } from './dto/create-api-key.dto';
import type { ApiKeyResponseDto, CreatedApiKeyResponseDto } from './dto/api-key-response.dto';

const CURSOR_SCOPE = 'api_keys';

const revokedEvent = (accountId: string, id: string) =>
  ({ type: 'api_key.revoked', accountId, resourceId: id, data: { api_key_id: id, revoked_at: new Date().toISOString() } }) as const;
const MANAGER_ROLES = new Set(['owner', 'admin']);

@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly keys: ApiKeysRepository,
    private readonly cursors: CursorCodec,
    private readonly mail: MailService,
    private readonly events: EventPublisher,
  ) {}

  async create(principal: SessionPrincipal, input: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    this.requireManager(principal);
    if (!(await this.keys.apiKeysEnabled(principal.accountId))) throw ApiKeyErrors.notEnabled();
    const scopes = resolveKeyScopes(input.scopes, effectiveScopes(principal));
    const expiresAt = input.expires_at === undefined ? null : new Date(input.expires_at);
    if (expiresAt && !(expiresAt.getTime() > Date.now())) throw ApiKeyErrors.expiryInPast();

    const raw = generateApiKey();
    const id = newId('apiKey');
    const event = { type: 'api_key.created', accountId: principal.accountId, resourceId: id, data: { api_key_id: id, scopes, expires_at: expiresAt?.toISOString() ?? null } } as const;
    const key = await this.keys.create({
      id,
      accountId: principal.accountId,
      createdByUserId: principal.userId,
      name: input.name.trim(),
      prefix: apiKeyDisplayPrefix(raw),
      keyHash: hashApiKey(raw, this.config.apiKeyPepper),
      scopes,
      expiresAt,
    }, (tx) => this.events.publish(tx, event));
    await this.notifyOwners(principal.accountId, key.name, key.prefix, scopes);
    return toCreatedApiKeyResponse(key, raw);
  }

  async list(principal: SessionPrincipal, limit: number, cursor: string | undefined): Promise<ListResponse<ApiKeyResponseDto>> {
    this.requireManager(principal);
    const after = cursor === undefined ? null : this.decodeCursor(cursor);
    const rows = await this.keys.listActive(principal.accountId, limit + 1, after);
    const now = new Date();
    return toListPage(
      rows,
      limit,
      (row) => toApiKeyResponse(row, now),
      (row) => this.cursors.encodePosition(CURSOR_SCOPE, row.createdAt, row.id),
    );
  }

  async get(principal: SessionPrincipal, id: string): Promise<ApiKeyResponseDto> {
    this.requireManager(principal);
    const key = isIdOf('apiKey', id) ? await this.keys.find(principal.accountId, id) : null;
    if (!key) throw ApiKeyErrors.notFound();
    return toApiKeyResponse(key);
  }

  /** Takes effect on the next request everywhere: every request looks the key up in the database. */
  async revoke(principal: SessionPrincipal, id: string): Promise<ApiKeyResponseDto> {
    this.requireManager(principal);
    const key = isIdOf('apiKey', id) ? await this.keys.revoke(principal.accountId, id, new Date(), (tx) => this.events.publish(tx, revokedEvent(principal.accountId, id))) : null;
    if (!key) throw ApiKeyErrors.notFound();
    this.logger.info({ apiKeyId: key.id, accountId: principal.accountId, userId: principal.userId }, 'api key revoked');
    return toApiKeyResponse(key);
  }

  private requireManager(principal: SessionPrincipal): void {
    if (!MANAGER_ROLES.has(principal.role)) throw ApiKeyErrors.managersOnly();
  }

  private decodeCursor(cursor: string): ApiKeyPosition {
    const { at, id } = this.cursors.decodePosition(CURSOR_SCOPE, cursor);
    return { createdAt: at, id };
  }

  /**
   * A new key is a new way into the account, so every owner hears of it. The mail names the key
   * and its prefix, never the key. A mail failure must not lose the key the caller is about to
   * receive (it is shown only once), so it is logged, not thrown.
   */
  private async notifyOwners(accountId: string, name: string, prefix: string, scopes: string[]): Promise<void> {
    const owners = await this.keys.ownerEmails(accountId);
    const text = [
      'A new API key was created for your DIDHub account.',
      '',
      `Name: ${name}`,
      `Key prefix: ${prefix}…`,
      `Scopes: ${scopes.join(', ')}`,
      '',
      'If you did not expect this, revoke the key in the dashboard (Settings → API keys) and review your account members.',
    ].join('\n');
    for (const to of owners) await this.mail.sendBestEffort({ to, subject: 'New API key created', text });
  }
}
