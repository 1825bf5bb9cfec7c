import { once } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import {
  buildSqliteResultsRepository,
  type SqliteResultsRepository,
} from './adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import { resultsConfigFromEnv } from './config.js';

/** A retention sweep over `repository`'s records: see {@link sweepLocal}. */
export const buildSweepLocal =
  (repository: () => Pick<SqliteResultsRepository, 'sweep'>) =>
  async (now: Date): Promise<number> =>
    repository().sweep(now);

/**
 * The results service's part of local mode's retention sweep (the stand-in for DynamoDB's TTL): deletes every
 * record, tombstones included, whose record retention has passed at `now`, and resolves to how many it deleted.
 * Readers already treat such a record as gone; this reclaims its space.
 * @throws ConfigError for an invalid IMGREC_RECORD_RETENTION_DAYS (read at the first sweep).
 */
export const sweepLocal = buildSweepLocal(
  once(() => buildSqliteResultsRepository(localPlatform().openServiceDb('results'), resultsConfigFromEnv())),
);
