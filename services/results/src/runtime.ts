import { once, runtimeMode } from '@imgrec/shared';
import { awsResultsRuntime } from './awsRuntime.js';
import type { ResultsRepository } from './ports.js';

export interface ResultsRuntime {
  repository: ResultsRepository;
  /** The current time as an ISO 8601 string: the `updated_at` of every change. */
  now: () => string;
}

/**
 * The results service's adapters for this process, chosen by IMGREC_MODE and wired once (per Lambda cold start).
 * The local adapters are imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it SQLite.
 */
export const resultsRuntime = once(async (): Promise<ResultsRuntime> => {
  if (runtimeMode() === 'aws') return awsResultsRuntime();
  const { localResultsRuntime } = await import('./localRuntime.js');
  return localResultsRuntime();
});
