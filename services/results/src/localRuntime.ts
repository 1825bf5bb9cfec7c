import { localPlatform } from '@imgrec/shared/local';
import { buildSqliteResultsRepository } from './adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import type { ResultsRuntime } from './runtime.js';

/** The results service in local mode: its own SQLite database in the data dir. */
export const localResultsRuntime = (): ResultsRuntime => ({
  repository: buildSqliteResultsRepository(localPlatform().openServiceDb('results')),
  now: () => new Date().toISOString(),
});
