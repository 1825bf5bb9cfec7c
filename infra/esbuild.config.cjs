// serverless-esbuild settings shared by the four services (`custom.esbuild.config` in each serverless.yml).
// A CommonJS file because serverless-esbuild loads it with require().

/**
 * Local-only code, left out of every Lambda bundle. Each service's runtime imports its local adapters from
 * `./localRuntime.js` and only in local mode, so the bundle keeps that import unresolved and never runs it; the
 * packages are those that module pulls in (SQLite, the detector, its decoder), in case anything else names them.
 */
const LOCAL_ONLY = [
  '*/localRuntime.js',
  '@imgrec/shared/local',
  'better-sqlite3',
  'sharp',
  '@vladmandic/human',
  '@tensorflow/*',
];

module.exports = () => ({
  bundle: true,
  // Whitespace and syntax only: identifiers are kept, so stack traces in CloudWatch name the functions they passed
  // through. Source maps would do better but double every zip, and the budget is 1 MB.
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  outputFileExtension: '.mjs',
  // Prefer the ESM builds of dependencies (the AWS SDK ships both): smaller, and no CommonJS wrappers.
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies still call require() for Node built-ins, which ESM output has no binding for.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  // Every other dependency is bundled, so nothing is installed next to the bundle.
  exclude: LOCAL_ONLY,
});
