import { Inject, Injectable } from '@nestjs/common';
import type { CustomerPrincipal } from '../../platform/request/principal';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config.types';
import { encryptionContext, ENCRYPTED_FIELDS } from '../../platform/crypto/encrypted-fields';
import { EncryptionService } from '../../platform/crypto/encryption.service';
import { isIdOf, newId } from '../../platform/ids/ids';
import { CursorCodec } from '../../platform/pagination/cursor';
import { type ListResponse, toListPage } from '../../platform/pagination/list';
import { ipLiteralHost, isPrivateAddress } from './address-policy';
import { WebhookEndpointHooks } from './webhook-endpoint-hooks';
import {
  type CreateWebhookEndpointRequest,
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  type RotateWebhookSecretRequest,
  type UpdateWebhookEndpointRequest,
} from './webhook-endpoint.request';
import { toWebhookEndpointResponse, type WebhookEndpointResponse } from './webhook-endpoint.response';
import { WebhookEndpointErrors } from './webhook-endpoints-errors';
import { newWebhookSecret } from './webhook-secret';
import { type EndpointChange, type EndpointTx, WebhookEndpointsRepository, type WebhookEndpointRecord } from './webhook-endpoints.repository';

const CURSOR_SCOPE = 'webhook_endpoints';

/** What the delivery worker needs of an endpoint: where, and the secrets that sign now. */
export interface DeliveryTarget {
  id: string;
  accountId: string;
  url: string;
  enabled: boolean;
  secrets: string[];
}

@Injectable()
export class WebhookEndpointsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly encryption: EncryptionService,
    private readonly cursors: CursorCodec,
    private readonly hooks: WebhookEndpointHooks,
  ) {}

  async create(principal: CustomerPrincipal, input: CreateWebhookEndpointRequest): Promise<WebhookEndpointResponse> {
    const url = this.checkUrl(input.url);
    const id = newId('webhookEndpoint');
    const secret = newWebhookSecret();
    const row = await this.endpoints.create({
      id,
      accountId: principal.accountId,
      url,
      description: input.description || null,
      eventTypes: [...new Set(input.events ?? [])],
      enabled: input.enabled ?? true,
      secretEnc: this.seal(ENCRYPTED_FIELDS.webhookSecret, id, secret),
    });
    return toWebhookEndpointResponse(row, secret);
  }

  async list(principal: CustomerPrincipal, limit: number, cursor: string | undefined): Promise<ListResponse<WebhookEndpointResponse>> {
    const after = cursor === undefined ? null : this.cursors.decodePosition(CURSOR_SCOPE, cursor);
    const rows = await this.endpoints.list(principal.accountId, limit + 1, after);
    return toListPage(rows, limit, (r) => toWebhookEndpointResponse(r), (r) => this.cursors.encodePosition(CURSOR_SCOPE, r.createdAt, r.id));
  }

  async get(accountId: string, id: string): Promise<WebhookEndpointRecord> {
    const row = isIdOf('webhookEndpoint', id) ? await this.endpoints.find(accountId, id) : null;
    if (!row) throw WebhookEndpointErrors.notFound();
    return row;
  }

  async update(principal: CustomerPrincipal, id: string, input: UpdateWebhookEndpointRequest): Promise<WebhookEndpointResponse> {
    if (!isIdOf('webhookEndpoint', id)) throw WebhookEndpointErrors.notFound();
    const url = input.url === undefined ? undefined : this.checkUrl(input.url);
    const row = await this.endpoints.transaction(async (tx) => {
      if (!(await this.endpoints.lock(tx, principal.accountId, id))) return null;
      const current = (await this.endpoints.find(principal.accountId, id, tx))!;
      const change: EndpointChange = {};
      if (url !== undefined) change.url = url;
      if (input.description !== undefined) change.description = input.description || null;
      if (input.events !== undefined) change.eventTypes = [...new Set(input.events)];
      if (input.enabled === true && !current.enabled) {
        Object.assign(change, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null, warnedAt: null });
        await this.hooks.reenabled(tx, id);
      } else if (input.enabled === false && current.enabled) {
        Object.assign(change, { enabled: false, disabledReason: 'user', disabledAt: new Date() });
      }
      await this.endpoints.update(tx, id, change);
      return this.endpoints.find(principal.accountId, id, tx);
    });
    if (!row) throw WebhookEndpointErrors.notFound();
    return toWebhookEndpointResponse(row);
  }

  async delete(principal: CustomerPrincipal, id: string): Promise<void> {
    const deleted = isIdOf('webhookEndpoint', id) && (await this.endpoints.delete(principal.accountId, id));
    if (!deleted) throw WebhookEndpointErrors.notFound();
  }

  /**
   * A new secret signs from now on; the current one keeps signing beside it for the overlap,
   * so receivers can switch without a window where nothing verifies. A second rotation inside
   * the overlap retires the oldest secret at once (two secrets at most).
   */
  async rotateSecret(principal: CustomerPrincipal, id: string, input: RotateWebhookSecretRequest): Promise<WebhookEndpointResponse> {
    if (!isIdOf('webhookEndpoint', id)) throw WebhookEndpointErrors.notFound();
    const overlap = input.overlap_seconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS;
    const secret = newWebhookSecret();
    const row = await this.endpoints.transaction(async (tx) => {
      if (!(await this.endpoints.lock(tx, principal.accountId, id))) return null;
      const current = (await this.endpoints.secrets(id, tx))!;
      const old = this.open(ENCRYPTED_FIELDS.webhookSecret, id, current.secretEnc);
      await this.endpoints.rotate(
        tx,
        id,
        this.seal(ENCRYPTED_FIELDS.webhookSecret, id, secret),
        overlap > 0 ? this.seal(ENCRYPTED_FIELDS.webhookPreviousSecret, id, old) : null,
        overlap > 0 ? new Date(Date.now() + overlap * 1000) : null,
      );
      return this.endpoints.find(principal.accountId, id, tx);
    });
    if (!row) throw WebhookEndpointErrors.notFound();
    return toWebhookEndpointResponse(row, secret);
  }

  /** Anonymisation: the account's endpoints (URLs, secrets) and what they were owed go. */
  deleteForAccount(tx: EndpointTx, accountId: string): Promise<number> {
    return this.endpoints.deleteAll(tx, accountId);
  }

  /** The endpoints an event of `type` is owed to, in the event's transaction. */
  subscribers(tx: EndpointTx, accountId: string, type: string): Promise<{ id: string; enabled: boolean }[]> {
    return this.endpoints.subscribers(tx, accountId, type);
  }

  async target(id: string): Promise<DeliveryTarget | null> {
    const row = await this.endpoints.secrets(id);
    if (!row) return null;
    const secrets = [this.open(ENCRYPTED_FIELDS.webhookSecret, id, row.secretEnc)];
    if (row.previousSecretEnc && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()) {
      secrets.push(this.open(ENCRYPTED_FIELDS.webhookPreviousSecret, id, row.previousSecretEnc));
    }
    return { id, accountId: row.accountId, url: row.url, enabled: row.enabled, secrets };
  }

  markHealthy(id: string): Promise<void> {
    return this.endpoints.markHealthy(id);
  }

  markFailing(id: string, at: Date) {
    return this.endpoints.markFailing(id, at);
  }

  markWarned(id: string, at: Date): Promise<boolean> {
    return this.endpoints.markWarned(id, at);
  }

  /** Disables an enabled endpoint (410 Gone or failing for days); false when it already was. */
  disable(tx: EndpointTx, id: string, reason: 'gone' | 'failing', at: Date): Promise<boolean> {
    return this.endpoints.disable(tx, id, reason, at);
  }

  /** An https URL without credentials; an IP literal must be public (names are checked at delivery, after DNS). */
  private checkUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw WebhookEndpointErrors.invalidUrl('url must be an absolute https URL, e.g. https://hooks.example.com/didhub.');
    }
    if (url.protocol !== 'https:') throw WebhookEndpointErrors.invalidUrl('url must use https.');
    if (url.username || url.password) throw WebhookEndpointErrors.invalidUrl('url must not contain a user name or password.');
    if (url.hash) throw WebhookEndpointErrors.invalidUrl('url must not contain a fragment.');
    const ip = ipLiteralHost(url);
    if (!this.config.webhooks.allowPrivate && ((ip && isPrivateAddress(ip)) || url.hostname === 'localhost' || url.hostname.endsWith('.localhost'))) {
      throw WebhookEndpointErrors.privateUrl();
    }
    return url.toString();
  }

  private seal(field: (typeof ENCRYPTED_FIELDS)['webhookSecret' | 'webhookPreviousSecret'], id: string, secret: string): string {
    return this.encryption.encryptString(secret, encryptionContext(field, id));
  }

  private open(field: (typeof ENCRYPTED_FIELDS)['webhookSecret' | 'webhookPreviousSecret'], id: string, ciphertext: string): string {
    return this.encryption.decryptString(ciphertext, encryptionContext(field, id));
  }
}
