import { SchedulerRegistry } from '@nestjs/schedule';
import { newId } from '../../src/platform/ids/ids';
import { RETENTION_LOCK_KEY } from '../../src/data-protection/retention/retention.repository';
import { RetentionService, type RunRequest } from '../../src/data-protection/retention/retention.service';
import {
  databaseText,
  daysAgo,
  seedCompliance,
  seedCdr,
  seedEmailToken,
  seedIdempotencyRecord,
  seedInvoice,
  seedLoginAttempt,
  seedMfaChallenge,
  seedSession,
  textContains,
  uniqueNumber,
  yearsAgo,
} from '../support/retention-fixtures';
import { seedApiKey, seedUser, uniqueEmail, type SeededUser } from '../support/seed';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp, type TestClient } from '../support/test-app';

describe('retention job', () => {
  let t: TestApp;
  let retention: RetentionService;
  const operator = (): TestClient => t.http().set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);

  async function run(request: Partial<RunRequest> = {}) {
    const result = await retention.run('cli', { dryRun: false, ...request });
    if (!result) throw new Error('retention was already running');
    return result;
  }

  /** A second instance on the same database; on PGlite it shares the handle, which only the first app closes. */
  const secondInstance = (env: Record<string, string> = {}) =>
    startTestApp({ env, database: t.config.databaseUrl ? undefined : { ...t.prisma.database, close: async () => undefined } });

  const exists = async (table: string, id: string): Promise<boolean> =>
    (await t.prisma.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${table} WHERE id = $1`, id)).length > 0;

  async function closedAccount(closedDaysAgo: number, overrides?: object): Promise<SeededUser> {
    const owner = await seedUser(t);
    await t.prisma.account.update({
      where: { id: owner.accountId },
      data: { status: 'closed', closedAt: daysAgo(closedDaysAgo), ...(overrides ? { retentionOverrides: overrides } : {}) },
    });
    return owner;
  }

  beforeAll(async () => {
    t = await startTestApp();
    retention = t.app.get(RetentionService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('purges login history past 90 days, dead sessions, used or expired tokens and challenges, and old idempotency records', async () => {
    const user = await seedUser(t);
    const gone = [
      ['login_attempts', await seedLoginAttempt(t, user.userId, 91)],
      ['login_attempts', await seedLoginAttempt(t, null, 120)],
      ['sessions', await seedSession(t, user, { revokedDaysAgo: 8 })],
      ['sessions', await seedSession(t, user, { idleExpiredDaysAgo: 8 })],
      ['email_tokens', await seedEmailToken(t, { userId: user.userId, expiresDaysAgo: 8 })],
      ['email_tokens', await seedEmailToken(t, { userId: user.userId, usedDaysAgo: 8 })],
      ['mfa_challenges', await seedMfaChallenge(t, user.userId, 8)],
      ['idempotency_records', await seedIdempotencyRecord(t, user.accountId, 2)],
    ];
    const kept = [
      ['login_attempts', await seedLoginAttempt(t, user.userId, 89)],
      ['sessions', await seedSession(t, user)],
      ['sessions', await seedSession(t, user, { revokedDaysAgo: 6 })],
      ['email_tokens', await seedEmailToken(t, { userId: user.userId })],
      ['email_tokens', await seedEmailToken(t, { userId: user.userId, expiresDaysAgo: 6 })],
      // An expired challenge whose lock still runs: deleting it would lift the lock on code guessing.
      ['mfa_challenges', await seedMfaChallenge(t, user.userId, 8, 10 * 60_000)],
      ['mfa_challenges', await seedMfaChallenge(t, user.userId, 1)],
      ['idempotency_records', await seedIdempotencyRecord(t, user.accountId, 0.5)],
      ['idempotency_records', await seedIdempotencyRecord(t, user.accountId, -20)],
    ];

    const result = await run();
    expect(result.status).toBe('completed');
    for (const key of ['login_history', 'sessions', 'email_tokens', 'mfa_challenges', 'idempotency_records']) {
      expect(result.counts[key]).toBeGreaterThanOrEqual(1);
    }
    for (const [table, id] of gone) expect({ table, id, exists: await exists(table, id) }).toEqual({ table, id, exists: false });
    for (const [table, id] of kept) expect({ table, id, exists: await exists(table, id) }).toEqual({ table, id, exists: true });
  });

  it('purges wrong-password counters a day after their window started, never one that still locks', async () => {
    const tag = `rt-${Date.now()}`;
    const rows: [string, Date, Date | null][] = [
      [`${tag}-old`, daysAgo(2), null],
      [`${tag}-old-lock-over`, daysAgo(2), daysAgo(1)],
      [`${tag}-locked`, daysAgo(2), new Date(Date.now() + 10 * 60_000)],
      [`${tag}-recent`, new Date(Date.now() - 3_600_000), null],
    ];
    for (const [key, windowStartAt, lockedUntil] of rows) {
      await t.prisma.loginThrottle.create({ data: { key, addressKey: `${tag}-address`, failures: 3, windowStartAt, lockedUntil } });
    }
    const result = await run();
    expect(result.counts.login_throttles).toBeGreaterThanOrEqual(2);
    const left = await t.prisma.loginThrottle.findMany({ where: { addressKey: `${tag}-address` }, select: { key: true }, orderBy: { key: 'asc' } });
    expect(left.map((r) => r.key)).toEqual([`${tag}-locked`, `${tag}-recent`]);
  });

  it('applies the operator’s overrides: a longer login history, a legal hold, a shorter CDR period for a live account', async () => {
    const longer = await seedUser(t);
    const held = await seedUser(t);
    const shorter = await seedUser(t);
    await operator().patch(`/v1/admin/accounts/${longer.accountId}`).send({ retention_overrides: { login_history_days: 365 } }).expect(200);
    const hold = await operator().patch(`/v1/admin/accounts/${held.accountId}`).send({ retention_overrides: { legal_hold: true } });
    expect(hold.body.retention_overrides).toEqual({ legal_hold: true });
    await operator().patch(`/v1/admin/accounts/${shorter.accountId}`).send({ retention_overrides: { cdr_retention_days: 365 } }).expect(200);

    const longKept = await seedLoginAttempt(t, longer.userId, 200);
    const longGone = await seedLoginAttempt(t, longer.userId, 400);
    const heldKept = await seedLoginAttempt(t, held.userId, 400);
    const oldCdr = await seedCdr(t, shorter.accountId, yearsAgo(2));
    const recentCdr = await seedCdr(t, shorter.accountId, daysAgo(100));
    const liveOldCdr = await seedCdr(t, longer.accountId, yearsAgo(10));

    const result = await run();
    expect(result.counts.live_account_cdrs).toBeGreaterThanOrEqual(1);
    expect(await exists('login_attempts', longKept)).toBe(true);
    expect(await exists('login_attempts', longGone)).toBe(false);
    expect(await exists('login_attempts', heldKept)).toBe(true);
    expect(await exists('cdrs', oldCdr)).toBe(false);
    expect(await exists('cdrs', recentCdr)).toBe(true);
    // A live account's CDRs are kept for its lifetime.
    expect(await exists('cdrs', liveOldCdr)).toBe(true);
  });

  it('refuses bad overrides with 400 naming the field', async () => {
    const user = await seedUser(t);
    for (const [body, param] of [
      [{ retention_overrides: { login_history_days: -1 } }, 'retention_overrides.login_history_days'],
      [{ retention_overrides: { legal_hold: 'yes' } }, 'retention_overrides.legal_hold'],
      [{ retention_overrides: { forever: true } }, 'retention_overrides.forever'],
      [{ retention_overrides: 'none' }, 'retention_overrides'],
    ] as const) {
      const res = await operator().patch(`/v1/admin/accounts/${user.accountId}`).send(body);
      expect({ status: res.status, param: res.body.error?.param }).toEqual({ status: 400, param });
    }
    const cleared = await operator().patch(`/v1/admin/accounts/${user.accountId}`).send({ retention_overrides: null });
    expect(cleared.body.retention_overrides).toBeNull();
  });

  /** A closed account full of personal data, plus what must survive its anonymisation. */
  async function seedClosedAccount(closedDaysAgo = 31) {
    const owner = await closedAccount(closedDaysAgo);
    const accountName = `Lovelace Analytical ${newId('account').slice(-8)}`;
    await t.prisma.account.update({ where: { id: owner.accountId }, data: { name: accountName, apiKeysEnabled: true } });
    const ownerName = `Ada ${newId('user').slice(-10)}`;
    await t.prisma.user.update({ where: { id: owner.userId }, data: { name: ownerName } });
    const member = await seedUser(t, { accountId: owner.accountId, role: 'member' });
    const memberName = `Charles ${newId('user').slice(-10)}`;
    await t.prisma.user.update({ where: { id: member.userId }, data: { name: memberName } });
    // Someone who also belongs to a live account keeps their user row; only this membership goes.
    const live = await seedUser(t);
    const shared = await seedUser(t, { accountId: owner.accountId, role: 'admin' });
    await t.prisma.membership.create({ data: { id: newId('membership'), accountId: live.accountId, userId: shared.userId, role: 'member' } });
    await t.prisma.user.update({ where: { id: shared.userId }, data: { defaultAccountId: owner.accountId } });

    await t.prisma.mfaRecoveryCode.create({ data: { id: newId('membership'), userId: owner.userId, codeHmac: 'x'.repeat(64) } });
    await t.prisma.oAuthIdentity.create({ data: { id: newId('oauthIdentity'), userId: owner.userId, provider: 'idp', subject: newId('user') } });
    await seedApiKey(t, owner.accountId);
    const gatewayHost = `pbx-${newId('account').slice(-8).toLowerCase()}.example.net`;
    await t.prisma.sipGateway.create({
      data: {
        id: newId('sipGateway'),
        accountId: owner.accountId,
        name: 'Office PBX',
        host: gatewayHost,
        port: 5060,
        transport: 'udp',
        username: `trunk-${ownerName}`,
        passwordEnc: 'ciphertext-stand-in',
        passwordUpdatedAt: new Date(),
      },
    });
    await seedSession(t, owner);
    await seedSession(t, shared);
    await seedLoginAttempt(t, owner.userId, 3);
    const invitee = uniqueEmail('invitee');
    await seedEmailToken(t, { accountId: owner.accountId, email: invitee, purpose: 'invitation' });
    await seedIdempotencyRecord(t, owner.accountId, -10, JSON.stringify({ object: 'member', email: member.email }));
    const numbers = [uniqueNumber(), uniqueNumber(), uniqueNumber('+4420'), uniqueNumber('+4420')];
    const cdrs = [
      await seedCdr(t, owner.accountId, daysAgo(40), { from: numbers[0], to: numbers[2] }),
      await seedCdr(t, owner.accountId, daysAgo(50), { from: numbers[1], to: numbers[3] }),
      await seedCdr(t, owner.accountId, daysAgo(60), { from: numbers[0], to: numbers[3] }),
    ];
    const invoice = await seedInvoice(t, owner.accountId, 'US', yearsAgo(1));
    const endUserNames: [string, string] = [`Grace${newId('endUser').slice(-8)}`, `Hopper${newId('endUser').slice(-8)}`];
    const kyc = await seedCompliance(t, owner.accountId, { number: { releasedDaysAgo: 400 }, names: endUserNames });
    const draft = await seedCompliance(t, owner.accountId, { endUserId: kyc.endUserId });
    return {
      owner,
      member,
      shared,
      live,
      cdrs,
      invoice,
      kyc,
      draft,
      personal: [owner.email, member.email, ownerName, memberName, invitee, accountName, gatewayHost, ...numbers, ...endUserNames, kyc.e164!],
    };
  }

  it('anonymises an account closed 30 days ago: personal data gone, CDR numbers masked, billing data kept', async () => {
    const seeded = await seedClosedAccount();
    const recent = await closedAccount(29);
    const held = await closedAccount(40, { legal_hold: true });
    const early = await closedAccount(3, { closure_grace_days: 1 });
    const cdrsBefore = await t.prisma.cdr.findMany({ where: { accountId: seeded.owner.accountId }, orderBy: { id: 'asc' } });

    const result = await run();
    expect(result.status).toBe('completed');
    expect(result.counts.anonymized_accounts).toBeGreaterThanOrEqual(2);
    expect(result.counts.masked_cdrs).toBeGreaterThanOrEqual(3);

    const account = await t.prisma.account.findUniqueOrThrow({ where: { id: seeded.owner.accountId } });
    expect(account).toMatchObject({ status: 'anonymized', name: 'Anonymized account' });
    expect(account.anonymizedAt).not.toBeNull();
    for (const u of [seeded.owner, seeded.member]) expect(await t.prisma.user.findUnique({ where: { id: u.userId } })).toBeNull();
    const shared = await t.prisma.user.findUniqueOrThrow({ where: { id: seeded.shared.userId } });
    expect(shared.defaultAccountId).toBe(seeded.live.accountId);
    const where = { accountId: seeded.owner.accountId };
    expect(await t.prisma.membership.count({ where })).toBe(0);
    expect(await t.prisma.session.count({ where })).toBe(0);
    expect(await t.prisma.apiKey.count({ where })).toBe(0);
    expect(await t.prisma.sipGateway.count({ where })).toBe(0);
    expect(await t.prisma.idempotencyRecord.count({ where })).toBe(0);
    expect(await t.prisma.emailToken.count({ where })).toBe(0);
    expect(await t.prisma.loginAttempt.count({ where: { userId: seeded.owner.userId } })).toBe(0);
    expect(await t.prisma.oAuthIdentity.count({ where: { userId: seeded.owner.userId } })).toBe(0);
    expect(await t.prisma.invoice.count({ where: { id: seeded.invoice } })).toBe(1);
    // Compliance data whose regulator window ended long ago: gone, binaries included.
    expect(await t.prisma.endUser.count({ where })).toBe(0);
    expect(await t.prisma.bundle.count({ where })).toBe(0);
    expect(await t.prisma.document.count({ where })).toBe(0);
    expect(await t.prisma.documentChunk.count({ where: { documentId: { in: [seeded.kyc.documentId, seeded.draft.documentId] } } })).toBe(0);

    const cdrsAfter = await t.prisma.cdr.findMany({ where, orderBy: { id: 'asc' } });
    expect(cdrsAfter).toHaveLength(cdrsBefore.length);
    cdrsAfter.forEach((cdr, i) => {
      const before = cdrsBefore[i];
      expect(cdr).toMatchObject({ fromNumber: 'anonymized', toNumber: 'anonymized', externalId: `anonymized:${cdr.id}` });
      expect({ d: cdr.durationSeconds, b: cdr.billableSeconds, c: cdr.cost.toString(), s: cdr.startedAt, e: cdr.endedAt }).toEqual({
        d: before.durationSeconds,
        b: before.billableSeconds,
        c: before.cost.toString(),
        s: before.startedAt,
        e: before.endedAt,
      });
    });

    // Closed 29 days ago, or under legal hold: untouched. A shortened grace: anonymised.
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: recent.accountId } })).status).toBe('closed');
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: held.accountId } })).status).toBe('closed');
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: early.accountId } })).status).toBe('anonymized');
    expect(await t.prisma.user.findUnique({ where: { id: held.userId } })).not.toBeNull();

    // The whole database, as text: none of the closed account's personal data is left anywhere.
    const text = await databaseText(t);
    expect(textContains(text, seeded.shared.email)).toBe(true);
    expect(seeded.personal.filter((needle) => textContains(text, needle))).toEqual([]);

    const reopen = await operator().post(`/v1/admin/accounts/${seeded.owner.accountId}/reopen`).send({});
    expect(reopen.status).toBe(409);
  });

  it('keeps compliance records while a number is active and for the regulator’s window after release, then deletes them', async () => {
    const live = await seedUser(t);
    const active = await seedCompliance(t, live.accountId, { number: 'active' });
    const elevenMonths = await seedCompliance(t, live.accountId, { number: { releasedDaysAgo: 335 } });
    const thirteenMonths = await seedCompliance(t, live.accountId, { number: { releasedDaysAgo: 396 }, sharedDocumentId: elevenMonths.documentId });
    const spainThirteenMonths = await seedCompliance(t, live.accountId, { number: { releasedDaysAgo: 396 }, country: 'ES' });
    const neverUsed = await seedCompliance(t, live.accountId);
    const shortened = await seedUser(t);
    await t.prisma.account.update({ where: { id: shortened.accountId }, data: { retentionOverrides: { compliance_window_days: 30 } } });
    const early = await seedCompliance(t, shortened.accountId, { number: { releasedDaysAgo: 60 } });
    const held = await seedUser(t);
    await t.prisma.account.update({ where: { id: held.accountId }, data: { retentionOverrides: { legal_hold: true } } });
    const onHold = await seedCompliance(t, held.accountId, { number: { releasedDaysAgo: 800 } });

    const result = await run();
    expect(result.counts.compliance_bundles).toBeGreaterThanOrEqual(2);
    for (const kept of [active, elevenMonths, spainThirteenMonths, neverUsed, onHold]) {
      expect(await exists('bundles', kept.bundleId)).toBe(true);
      expect(await exists('documents', kept.documentId)).toBe(true);
    }
    for (const gone of [thirteenMonths, early]) {
      expect(await exists('bundles', gone.bundleId)).toBe(false);
      expect(await exists('documents', gone.documentId)).toBe(false);
      expect(await t.prisma.documentChunk.count({ where: { documentId: gone.documentId } })).toBe(0);
      // The end-user of a live account stays: it is the customer's record, and may back other bundles.
      expect(await exists('end_users', gone.endUserId)).toBe(true);
    }
    // A document the expired bundle shared with a held one stays with it.
    expect(await exists('documents', elevenMonths.documentId)).toBe(true);
    // The number's history stays for a live account.
    expect(await exists('numbers', thirteenMonths.numberId!)).toBe(true);
  });

  it('carries out deferred erasure requests once their hold lapsed, and drops abandoned uploads', async () => {
    const live = await seedUser(t);
    const lapsed = await seedCompliance(t, live.accountId, { number: { releasedDaysAgo: 396 } });
    const stillHeld = await seedCompliance(t, live.accountId, { number: { releasedDaysAgo: 100 } });
    for (const [kyc, eraseAfter] of [[lapsed, daysAgo(31)], [stillHeld, daysAgo(-265)]] as const) {
      await t.prisma.erasureRequest.create({
        data: { id: newId('erasureRequest'), accountId: live.accountId, endUserId: kyc.endUserId, status: 'scheduled', eraseAfter },
      });
    }
    const staleUpload = newId('document');
    const freshUpload = newId('document');
    await t.prisma.document.create({ data: { id: staleUpload, accountId: live.accountId, status: 'uploading', createdAt: daysAgo(2) } });
    await t.prisma.document.create({ data: { id: freshUpload, accountId: live.accountId, status: 'uploading' } });

    const dry = await run({ dryRun: true });
    expect(await exists('end_users', lapsed.endUserId)).toBe(true);
    const result = await run();
    expect(result.counts.erasure_requests).toBe(dry.counts.erasure_requests);
    expect(result.counts.erasure_requests).toBeGreaterThanOrEqual(1);
    expect(result.counts.stale_uploads).toBeGreaterThanOrEqual(1);
    expect(await exists('end_users', lapsed.endUserId)).toBe(false);
    expect(await exists('documents', lapsed.documentId)).toBe(false);
    expect((await t.prisma.erasureRequest.findUniqueOrThrow({ where: { endUserId: lapsed.endUserId } })).status).toBe('completed');
    expect(await exists('end_users', stillHeld.endUserId)).toBe(true);
    expect((await t.prisma.erasureRequest.findUniqueOrThrow({ where: { endUserId: stillHeld.endUserId } })).status).toBe('scheduled');
    expect(await exists('documents', staleUpload)).toBe(false);
    expect(await exists('documents', freshUpload)).toBe(true);
  });

  it('anonymising an account with an active number releases it and keeps its KYC for the regulator’s window', async () => {
    const owner = await closedAccount(31);
    const kyc = await seedCompliance(t, owner.accountId, { number: 'active' });
    await run();
    expect((await t.prisma.account.findUniqueOrThrow({ where: { id: owner.accountId } })).status).toBe('anonymized');
    const number = await t.prisma.phoneNumber.findUniqueOrThrow({ where: { id: kyc.numberId! } });
    expect(number).toMatchObject({ status: 'released', activeE164: null, e164: kyc.e164 });
    expect(await exists('bundles', kyc.bundleId)).toBe(true);
    expect(await exists('end_users', kyc.endUserId)).toBe(true);

    // Thirteen months later the window is over: the records, the end-user and the number's E.164 go.
    await t.prisma.phoneNumber.update({ where: { id: kyc.numberId! }, data: { releasedAt: daysAgo(396) } });
    await run();
    expect(await exists('bundles', kyc.bundleId)).toBe(false);
    expect(await exists('documents', kyc.documentId)).toBe(false);
    expect(await exists('end_users', kyc.endUserId)).toBe(false);
    expect((await t.prisma.phoneNumber.findUniqueOrThrow({ where: { id: kyc.numberId! } })).e164).toBe('anonymized');
  });

  it('deletes billing records of anonymised accounts after the jurisdiction’s period, and their CDRs with them', async () => {
    const us = await seedUser(t);
    const de = await seedUser(t);
    for (const a of [us, de]) {
      await t.prisma.account.update({ where: { id: a.accountId }, data: { status: 'anonymized', closedAt: yearsAgo(9), anonymizedAt: daysAgo(1) } });
    }
    const usInside = await seedInvoice(t, us.accountId, 'US', yearsAgo(6));
    const usPast = await seedInvoice(t, us.accountId, 'US', yearsAgo(8));
    const usCdrInside = await seedCdr(t, us.accountId, yearsAgo(6), { from: 'anonymized', to: 'anonymized' });
    const usCdrPast = await seedCdr(t, us.accountId, yearsAgo(8), { from: 'anonymized', to: 'anonymized' });
    const deInside = await seedInvoice(t, de.accountId, 'DE', yearsAgo(8));
    const dePast = await seedInvoice(t, de.accountId, 'DE', yearsAgo(11));
    const deCdrInside = await seedCdr(t, de.accountId, yearsAgo(8), { from: 'anonymized', to: 'anonymized' });

    const result = await run();
    expect(result.counts.billing_invoices).toBeGreaterThanOrEqual(2);
    expect(result.counts.billing_cdrs).toBeGreaterThanOrEqual(1);
    expect(await exists('invoices', usInside)).toBe(true);
    expect(await exists('invoices', usPast)).toBe(false);
    expect(await exists('cdrs', usCdrInside)).toBe(true);
    expect(await exists('cdrs', usCdrPast)).toBe(false);
    expect(await exists('invoices', deInside)).toBe(true);
    expect(await exists('invoices', dePast)).toBe(false);
    // Billed in Germany: 10 years for the CDRs too.
    expect(await exists('cdrs', deCdrInside)).toBe(true);
  });

  /** Which of the scenario's rows exist and in what state, with ids replaced by their role. */
  async function stateOf(s: Awaited<ReturnType<typeof seedClosedAccount>>, extra: Record<string, [string, string]>) {
    const account = await t.prisma.account.findUniqueOrThrow({ where: { id: s.owner.accountId } });
    const cdrs = await t.prisma.cdr.findMany({ where: { accountId: s.owner.accountId }, orderBy: { startedAt: 'asc' } });
    const rows: Record<string, boolean> = {};
    for (const [role, [table, id]] of Object.entries(extra)) rows[role] = await exists(table, id);
    return {
      account: { status: account.status, name: account.name, anonymized: account.anonymizedAt !== null },
      users: {
        owner: await exists('users', s.owner.userId),
        member: await exists('users', s.member.userId),
        shared: await exists('users', s.shared.userId),
      },
      memberships: await t.prisma.membership.count({ where: { accountId: s.owner.accountId } }),
      sessions: await t.prisma.session.count({ where: { accountId: s.owner.accountId } }),
      cdrs: cdrs.map((c) => ({ from: c.fromNumber, to: c.toNumber, masked: c.externalId === `anonymized:${c.id}`, d: c.durationSeconds })),
      invoice: await exists('invoices', s.invoice),
      rows,
    };
  }

  async function seedScenario() {
    const s = await seedClosedAccount();
    for (let i = 0; i < 4; i++) await seedCdr(t, s.owner.accountId, daysAgo(70 + i));
    const user = await seedUser(t);
    const extra: Record<string, [string, string]> = {
      oldAttempt1: ['login_attempts', await seedLoginAttempt(t, user.userId, 100)],
      oldAttempt2: ['login_attempts', await seedLoginAttempt(t, user.userId, 101)],
      oldAttempt3: ['login_attempts', await seedLoginAttempt(t, user.userId, 102)],
      newAttempt: ['login_attempts', await seedLoginAttempt(t, user.userId, 10)],
      deadSession: ['sessions', await seedSession(t, user, { revokedDaysAgo: 9 })],
      liveSession: ['sessions', await seedSession(t, user)],
      oldToken: ['email_tokens', await seedEmailToken(t, { userId: user.userId, expiresDaysAgo: 9 })],
    };
    return { s, extra };
  }

  it('a dry run reports the counts a real run then has, and changes nothing', async () => {
    const { s, extra } = await seedScenario();
    const before = await stateOf(s, extra);
    const dry = await run({ dryRun: true });
    expect(dry.status).toBe('completed');
    expect(dry.dryRun).toBe(true);
    expect(await stateOf(s, extra)).toEqual(before);
    expect(dry.counts.anonymized_accounts).toBeGreaterThanOrEqual(1);
    expect(dry.counts.masked_cdrs).toBeGreaterThanOrEqual(7);
    expect(dry.counts.login_history).toBeGreaterThanOrEqual(3);

    const real = await run();
    expect(real.counts).toEqual(dry.counts);
    expect((await stateOf(s, extra)).account.status).toBe('anonymized');
  });

  it('a run killed mid-way (at any batch) and rerun ends in the same state as an uninterrupted run', async () => {
    const reference = await seedScenario();
    await run({ batchSize: 2 });
    const expected = await stateOf(reference.s, reference.extra);
    expect(expected.account.status).toBe('anonymized');

    const scenario = await seedScenario();
    let interrupted = 0;
    let sawHalfway = false;
    for (let attempt = 0; attempt < 200; attempt++) {
      // Stop after two batches each time, as if the process were killed there, then start again.
      const result = await run({ batchSize: 2, abortAfterBatches: 2 });
      if (result.status === 'completed') break;
      expect(result).toMatchObject({ status: 'interrupted' });
      interrupted++;
      const now = await stateOf(scenario.s, scenario.extra);
      if (now.account.status === 'anonymizing' && now.cdrs.some((c) => c.masked) && now.cdrs.some((c) => !c.masked)) sawHalfway = true;
      // Never half-anonymised in a way that shows: the people are gone only together with the status change.
      if (now.account.status !== 'anonymized') expect(now.users.owner).toBe(true);
    }
    expect(interrupted).toBeGreaterThan(2);
    expect(sawHalfway).toBe(true);
    const actual = await stateOf(scenario.s, scenario.extra);
    expect(actual).toEqual(expected);
  });

  it('two runners started together do the work once; a third while one runs is told it is already running', async () => {
    const other = await secondInstance();
    try {
      const user = await seedUser(t);
      const attempts = await Promise.all([1, 2, 3, 4, 5].map((n) => seedLoginAttempt(t, user.userId, 100 + n)));
      const [a, b] = await Promise.all([
        retention.run('cli', { dryRun: false }),
        other.app.get(RetentionService).run('cli', { dryRun: false }),
      ]);
      const runs = [a, b].filter((r) => r !== null);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.counts.login_history).toBeGreaterThanOrEqual(5);
      for (const id of attempts) expect(await exists('login_attempts', id)).toBe(false);

      // While the lock is held elsewhere, the operator API answers 409 and records nothing.
      const runsBefore = await t.prisma.retentionRun.count();
      await other.prisma.database.tryAdvisoryLock(RETENTION_LOCK_KEY, async () => {
        const res = await operator().post('/v1/admin/retention/run').send({});
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('retention_already_running');
        expect(await retention.run('cli', { dryRun: true })).toBeNull();
      });
      expect(await t.prisma.retentionRun.count()).toBe(runsBefore);
    } finally {
      await other.close();
    }
  });

  it('the operator starts a run over HTTP and follows it; runs are listed newest first', async () => {
    await run({ dryRun: true });
    const started = await operator().post('/v1/admin/retention/run').send({ dry_run: true });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ object: 'retention_run', trigger: 'api', dry_run: true, status: 'running', finished_at: null });
    let current = started.body;
    for (let i = 0; i < 500 && current.status === 'running'; i++) {
      current = (await operator().get(`/v1/admin/retention/runs/${started.body.id}`)).body;
    }
    expect(current).toMatchObject({ status: 'completed', error: null, finished_at: expect.any(String) });
    expect(Object.keys(current.counts)).toEqual(
      expect.arrayContaining(['login_history', 'sessions', 'email_tokens', 'mfa_challenges', 'idempotency_records', 'anonymized_accounts', 'masked_cdrs', 'billing_invoices', 'billing_cdrs']),
    );
    const list = await operator().get('/v1/admin/retention/runs?limit=1');
    expect(list.status).toBe(200);
    expect(list.body.data[0].id).toBe(started.body.id);
    expect(list.body.has_more).toBe(true);
    const next = await operator().get(`/v1/admin/retention/runs?limit=1&cursor=${encodeURIComponent(list.body.next_cursor)}`);
    expect(next.body.data[0].started_at <= list.body.data[0].started_at).toBe(true);
    expect(next.body.data[0].id).not.toBe(started.body.id);

    const bad = await operator().post('/v1/admin/retention/run').send({ dry_run: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('dry_run');
    // null is not "absent": it must never start a real run.
    const runsBefore = await t.prisma.retentionRun.count();
    const nulled = await operator().post('/v1/admin/retention/run').send({ dry_run: null });
    expect({ status: nulled.status, param: nulled.body.error?.param }).toEqual({ status: 400, param: 'dry_run' });
    expect(await t.prisma.retentionRun.count()).toBe(runsBefore);
    expect((await operator().get('/v1/admin/retention/runs/rrun_0000000000000000000000')).status).toBe(404);
  });

  it('registers no schedule with RETENTION_ENABLED=false, and the configured cron otherwise', async () => {
    expect(t.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
    const scheduled = await secondInstance({ RETENTION_ENABLED: 'true', RETENTION_CRON: '0 3 * * *' });
    try {
      const job = scheduled.app.get(SchedulerRegistry).getCronJob('retention');
      const next = job.nextDate().toJSDate();
      expect(next.getUTCHours()).toBe(3);
      expect(next.getUTCMinutes()).toBe(0);
      expect(next.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await scheduled.close();
    }
  });
});
