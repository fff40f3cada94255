/**
 * The layout's rules, checked in CI (`npm run lint:deps`). See README "Where is X?".
 *
 *   app/ ──▶ wings ──▶ pipeline/ ──▶ platform/ ──▶ generated/ (Prisma client)
 *
 * Wings: identity, compliance, telephony, billing, data-protection. A wing uses platform/ and
 * pipeline/ freely; another wing only through the files that wing declares as its ports below.
 */
const WINGS = ['identity', 'compliance', 'telephony', 'billing', 'data-protection', 'events'];

/** What a wing offers the others: one file each, small and stable. */
const PORTS = [
  'src/compliance/requirements/requirements.ts', // numbers check a bundle against the requirements table
  'src/compliance/holds/compliance-holds.ts', // retention and closure ask whether a record is held
  'src/compliance/erasure/erasure.service.ts', // retention carries out scheduled erasures
  'src/compliance/compliance.module.ts',
  'src/identity/accounts/account-roles.ts', // who may read invoices
  'src/data-protection/retention/retention-overrides.ts', // the operator sets an account's overrides
  'src/data-protection/retention/retention-policy.ts',
  'src/events/events.module.ts', // every wing publishes its state changes in its own transaction
  'src/events/events/event-publisher.ts',
  'src/events/events/events.service.ts', // retention purges old events
  'src/events/webhook-endpoints/webhook-endpoints.service.ts', // anonymisation removes an account's endpoints
  'src/events/webhook-deliveries/account-owners.port.ts', // identity tells the worker whom to warn
];
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycle between files (folders: test/platform/feature-folders).', from: {}, to: { circular: true } },
    {
      name: 'platform-stays-down',
      severity: 'error',
      comment: 'platform/ is what every feature uses; it never reaches up into the pipeline, a wing or the app.',
      from: { path: '^src/platform/' },
      to: { path: `^src/(app|cli|pipeline|${WINGS.join('|')})/` },
    },
    {
      name: 'pipeline-uses-platform-only',
      severity: 'error',
      from: { path: '^src/pipeline/' },
      to: { path: `^src/(app|cli|${WINGS.join('|')})/` },
    },
    {
      name: 'nothing-imports-the-app',
      severity: 'error',
      comment: 'app/ composes the wings; main.ts and the tests start it.',
      from: { path: '^src/', pathNot: '^src/(app/|main\\.ts$)' },
      to: { path: '^src/(app|cli)/' },
    },
    ...WINGS.map((wing) => ({
      name: `wing-${wing}-through-ports`,
      severity: 'error',
      comment: `Another wing reaches ${wing}/ only through its declared ports.`,
      from: { path: '^src/', pathNot: `^src/(app/|cli/|${esc(wing)}/)` },
      to: { path: `^src/${esc(wing)}/`, pathNot: `^(${PORTS.map(esc).join('|')})$` },
    })),
    {
      name: 'prisma-in-repositories-only',
      severity: 'error',
      comment: 'In the wings only repository files (and commands composing a process) touch the Prisma client; platform/ is infrastructure.',
      from: { path: '^src/', pathNot: ['\\.repository\\.ts$', '^src/platform/', '\\.command\\.ts$', '^src/generated/', '^src/app/'] },
      to: { path: ['^src/generated/prisma/', '^src/platform/database/prisma\\.service\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/generated/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
