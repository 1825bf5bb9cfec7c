import { once, runtimeMode } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { buildSqliteResultsRepository } from './adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import type { ResultsRepository } from './ports.js';

export interface ResultsRuntime {
  repository: ResultsRepository;
  /** The current time as an ISO 8601 string: the `updated_at` of every change. */
  now: () => string;
}

/** The results service's adapters for this process, chosen by IMGREC_MODE and wired once. */
export const resultsRuntime = once((): ResultsRuntime => {
  const mode = runtimeMode();
  if (mode === 'aws') throw new Error('aws mode adapters are not wired yet');
  return {
    repository: buildSqliteResultsRepository(localPlatform().openServiceDb('results')),
    now: () => new Date().toISOString(),
  };
});
