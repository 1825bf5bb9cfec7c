// The boundaries of the code, checked in `npm test` (see docs/ARCHITECTURE.md, "Conventions").
// A CommonJS file because dependency-cruiser loads its configuration with require().

/** Lambda entry points: each function's handler module. */
const HANDLER = '^services/[^/]+/functions/[^/]+/handler\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'services-are-independent',
      comment: 'A service talks to another only through events on the bus, never through its code.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'shared-knows-no-service',
      comment: 'shared/ is what every service uses; it cannot depend on one of them.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(services|local)/' },
    },
    {
      name: 'lambda-bundles-stay-lean',
      comment:
        'Nothing a Lambda handler loads may reach local-only code (the local platform, SQLite, sharp, the detector): ' +
        'local adapters are imported lazily by src/runtime.ts, and left out of the bundles.',
      severity: 'error',
      from: { path: HANDLER },
      to: {
        path: '(^shared/src/local/|node_modules/(better-sqlite3|sharp|@vladmandic/human|@tensorflow|tesseract\\.js|tesseract\\.js-core|prom-client)/)',
        reachable: true,
      },
    },
    {
      name: 'lambda-bundles-carry-no-test-code',
      comment: 'Test helpers and emulators stay out of what a handler loads.',
      severity: 'error',
      from: { path: HANDLER },
      to: {
        path: '(^shared/src/(testing|aws/testing)/|/testing/|node_modules/(@jest|jest|s3rver|dynalite|aws-sdk-client-mock)/)',
        reachable: true,
      },
    },
    {
      name: 'src-does-not-import-functions',
      comment: 'Handlers depend on the core, never the other way round.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: { path: '^services/[^/]+/functions/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // The lazily imported local runtimes are the one sanctioned way for a handler to reach local-only code; only
    // static imports end up in a Lambda bundle (see infra/esbuild.config.cjs).
    exclude: { path: '(^|/)(node_modules/.*/node_modules|\\.serverless|\\.esbuild)/', dynamic: true },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
