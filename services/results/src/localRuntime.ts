import { localPlatform } from '@imgrec/shared/local';
import { buildSqliteResultsRepository } from './adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import type { ResultsDeps } from './ports.js';

/** The results service in local mode: its own SQLite database in the data dir. */
export const localResultsRuntime = (): ResultsDeps => ({
  repository: buildSqliteResultsRepository(localPlatform().openServiceDb('results')),
  now: () => new Date(),
});
