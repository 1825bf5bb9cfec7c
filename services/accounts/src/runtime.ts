import { once } from '@imgrec/shared';
import { accountsConfigFromEnv } from './config.js';
import type { AccountsDeps } from './ports.js';

/**
 * The accounts service's adapters for this process, chosen by its config's mode and wired once (per Lambda cold
 * start). The local adapters are imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it SQLite.
 */
export const accountsRuntime = once(async (): Promise<AccountsDeps> => {
  const config = accountsConfigFromEnv();
  if (config.mode === 'aws') {
    const { awsAccountsRuntime } = await import('./awsRuntime.js');
    return awsAccountsRuntime(config);
  }
  const { localAccountsRuntime } = await import('./localRuntime.js');
  return localAccountsRuntime();
});
