import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CommonErrors } from '../../../platform/errors/common-errors';
import { isIdOf } from '../../../platform/ids/ids';
import { APP_LOGGER } from '../../../platform/logging/logger';
import { OVERRIDE_DAY_KEYS, type RetentionOverrides } from '../../../data-protection/retention/retention-overrides';
import { AccountRateLimits } from '../../../pipeline/throttling/account-rate-limits.service';
import { EventPublisher } from '../../../events/events/event-publisher';
import { AdminErrors } from './admin-errors';
import { toAdminAccountResponse } from './admin-account.mapper';
import { type AccountSettingsChange, AdminAccountsRepository } from './admin-accounts.repository';
import type { AdminAccountResponseDto } from './dto/admin-account-response.dto';
import type { UpdateAccountSettingsDto } from './dto/update-account-settings.dto';

@Injectable()
export class AdminAccountsService {
  constructor(
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly accounts: AdminAccountsRepository,
    private readonly rateLimits: AccountRateLimits,
    private readonly events: EventPublisher,
  ) {}

  async get(id: string): Promise<AdminAccountResponseDto> {
    const account = isIdOf('account', id) ? await this.accounts.find(id) : null;
    if (!account) throw CommonErrors.notFound('account');
    return toAdminAccountResponse(account);
  }

  async update(id: string, input: UpdateAccountSettingsDto): Promise<AdminAccountResponseDto> {
    const change: AccountSettingsChange = {};
    if (input.api_keys_enabled !== undefined) change.apiKeysEnabled = input.api_keys_enabled;
    if (input.sip_private_hosts_allowed !== undefined) change.sipPrivateHostsAllowed = input.sip_private_hosts_allowed;
    if (input.rate_limit_read_per_minute !== undefined) change.rateLimitReadPerMinute = input.rate_limit_read_per_minute;
    if (input.rate_limit_write_per_minute !== undefined) change.rateLimitWritePerMinute = input.rate_limit_write_per_minute;
    if (input.retention_overrides !== undefined) change.retentionOverrides = toOverrides(input.retention_overrides);
    const account = isIdOf('account', id) ? await this.accounts.update(id, change) : null;
    if (!account) throw CommonErrors.notFound('account');
    // This instance applies new budgets at once; others within their short cache lifetime.
    this.rateLimits.invalidate(id);
    // An audit trail of operator actions: which account, which settings (values are not personal data).
    this.logger.info({ accountId: id, change }, 'operator updated account settings');
    return toAdminAccountResponse(account);
  }

  /** Reopens a closed account before it is anonymised; its sessions and keys stay revoked. */
  async reopen(id: string): Promise<AdminAccountResponseDto> {
    const event = { type: 'account.reopened', accountId: id, resourceId: id, data: { account_id: id, reopened_at: new Date().toISOString() } } as const;
    const result = isIdOf('account', id) ? await this.accounts.reopen(id, (tx) => this.events.publish(tx, event)) : 'missing';
    if (result === 'missing') throw CommonErrors.notFound('account');
    if (result === 'anonymized') throw AdminErrors.accountAnonymized();
    if (result === 'reopened') this.logger.info({ accountId: id }, 'operator reopened account');
    return this.get(id);
  }
}

/** Only the keys that were sent; an empty object is the same as null (the defaults). */
function toOverrides(input: UpdateAccountSettingsDto['retention_overrides']): RetentionOverrides | null {
  if (!input) return null;
  const out: RetentionOverrides = {};
  if (input.legal_hold !== undefined) out.legal_hold = input.legal_hold;
  for (const key of OVERRIDE_DAY_KEYS) {
    if (input[key] !== undefined) out[key] = input[key];
  }
  return Object.keys(out).length ? out : null;
}
