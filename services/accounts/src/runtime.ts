import { once, runtimeMode } from '@imgrec/shared';
import { awsAccountsRuntime } from './awsRuntime.js';
import type { AccountsDeps } from './ports.js';

/**
 * The accounts service's adapters for this process, chosen by IMGREC_MODE and wired once (per Lambda cold start).
 * The local adapters are imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it SQLite.
 */
export const accountsRuntime = once(async (): Promise<AccountsDeps> => {
  if (runtimeMode() === 'aws') return awsAccountsRuntime();
  const { localAccountsRuntime } = await import('./localRuntime.js');
  return localAccountsRuntime();
});
