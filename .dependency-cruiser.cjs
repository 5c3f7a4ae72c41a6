/**
 * The boundaries of ARCHITECTURE.md, checked in CI (`npm run lint:deps`) and by
 * test/unit/boundaries.test.ts, which also shows that a deliberate violation fails.
 * Paths are relative to where depcruise runs (the repository root, or a test's fixture tree).
 * There are no exceptions: anything that breaks a rule fails CI.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-adapter',
      comment: 'The core knows no platform: only src/main.ts wires the adapters in.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main\\.ts$' },
      to: { path: '^adapters/' },
    },
    {
      name: 'core-imports-no-platform-sdk',
      comment: 'Every @slack, botbuilder and Teams import stays in adapters/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: 'node_modules/(@slack/|botbuilder|botframework-|@microsoft/teams)' },
    },
    {
      name: 'only-the-store-talks-to-prisma',
      comment: 'The Prisma client and its generated code are reached through src/store only.',
      severity: 'error',
      from: { pathNot: '^(src/store/|scripts/|prisma\\.config\\.ts$|test/|bench/)' },
      to: { path: '(^src/store/generated/|node_modules/@prisma/)' },
    },
    {
      name: 'adapters-do-not-import-the-store',
      comment: 'Adapters speak to the core, never to the database directly.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'surfaces-render-views-not-forms',
      comment:
        "Slack and Teams render the core's form view (src/conversation/form-view.ts) and never read a form's definition or work out its questions themselves.",
      severity: 'error',
      from: { path: '^adapters/(slack|teams)/' },
      to: { path: '^src/conversation/form-(definition|engine)\\.ts$' },
    },
    {
      name: 'adapters-use-services-as-types',
      comment:
        "An adapter calls a service through the core it is given, never by importing it: it may import a service's types, and finds plain helpers in the module's other files.",
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^src/[^/]+/[^/]+\\.service\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'the-domain-does-no-io',
      comment: 'src/domain is pure types and rules.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        path: '(^src/store/|node_modules/(pg|better-sqlite3|yaml|express|pino|nodemailer)/)',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'modules-meet-through-ports',
      comment:
        "A capability module reaches another through a port (its own ports.ts), never by importing the other's service: only the composition root (src/core.ts, src/main.ts, src/admin.ts) wires services together.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/(core|main|admin)\\.ts$' },
      to: { path: '^src/[^/]+/[^/]+\\.service\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'no-circles',
      comment: 'An import circle makes two modules one; break it with a port.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|src/store/generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
