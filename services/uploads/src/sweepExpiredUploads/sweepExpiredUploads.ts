import { retentionDeadline } from '@imgrec/shared';
import type { Database } from 'better-sqlite3';
import { buildSqliteQuotaCounter } from '../adapters/sqliteQuotaCounter/sqliteQuotaCounter.js';
import { buildSqliteUploadsRepository } from '../adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import { IDEMPOTENCY_WINDOW_MS } from '../ports.js';

/**
 * Local mode's stand-in for the uploads table's TTL, on the uploads service's SQLite database: deletes the upload
 * records created more than `recordRetentionDays` before `now` (with the Idempotency-Keys that name them), the keys
 * claimed more than 24 hours before `now`, and the quota counts of UTC days before `now`'s. Returns how many rows it
 * deleted.
 */
export const sweepExpiredUploads = (db: Database, now: Date, recordRetentionDays: number): number =>
  buildSqliteUploadsRepository(db).sweep({
    recordsCreatedBefore: retentionDeadline(now, recordRetentionDays),
    keysCreatedBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
  }) + buildSqliteQuotaCounter(db).sweep(now.toISOString().slice(0, 10));
