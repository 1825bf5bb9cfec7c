import { once } from '@imgrec/shared';
import { resultsConfigFromEnv } from './config.js';
import type { ResultsDeps } from './ports.js';

/**
 * The results service's adapters for this process, chosen by its config's mode and wired once (per Lambda cold
 * start). The local adapters are imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it SQLite.
 */
export const resultsRuntime = once(async (): Promise<ResultsDeps> => {
  const config = resultsConfigFromEnv();
  if (config.mode === 'aws') {
    const { awsResultsRuntime } = await import('./awsRuntime.js');
    return awsResultsRuntime(config);
  }
  const { localResultsRuntime } = await import('./localRuntime.js');
  return localResultsRuntime(config);
});
