import type { Database } from 'better-sqlite3';
import type { QuotaCounter } from '../../ports.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC day before `utcDay`, both `YYYY-MM-DD`. */
const dayBefore = (utcDay: string): string =>
  new Date(Date.parse(`${utcDay}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10);

export interface SqliteQuotaCounter extends QuotaCounter {
  /**
   * Deletes the counts of UTC days before `utcDay` (`YYYY-MM-DD`), which no request counts against any more.
   * Returns how many rows it deleted.
   */
  sweep(utcDay: string): number;
}

/**
 * Daily quota counters in the uploads service's SQLite database: one row per tenant and UTC day. Each call is one
 * transaction, so concurrent requests cannot both take the last blob of a quota: better-sqlite3 is synchronous,
 * which settles it within the process, and the transaction takes the write lock before it reads, which settles it
 * between processes sharing the database.
 */
export const buildSqliteQuotaCounter = (db: Database): SqliteQuotaCounter => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS quota_usage (
      tenant_id TEXT NOT NULL, day TEXT NOT NULL, blobs INTEGER NOT NULL, PRIMARY KEY (tenant_id, day));
  `);
  const selectUsed = db.prepare<[string, string], { blobs: number }>(
    'SELECT blobs FROM quota_usage WHERE tenant_id = ? AND day = ?',
  );
  const count = db.prepare<[string, string]>(
    `INSERT INTO quota_usage (tenant_id, day, blobs) VALUES (?, ?, 1)
     ON CONFLICT (tenant_id, day) DO UPDATE SET blobs = blobs + 1`,
  );
  const forgetBefore = db.prepare<[string]>('DELETE FROM quota_usage WHERE day < ?');

  const tryConsume = db.transaction((tenantId: string, utcDay: string, max: number): boolean => {
    if ((selectUsed.get(tenantId, utcDay)?.blobs ?? 0) >= max) return false;
    count.run(tenantId, utcDay);
    // Days before yesterday are over for every request still in flight, so their rows can go: the table stays at a
    // day or two of rows, as the DynamoDB table does through its TTL.
    forgetBefore.run(dayBefore(utcDay));
    return true;
  });

  return {
    tryConsume: async (tenantId, utcDay, max) => tryConsume.immediate(tenantId, utcDay, max),
    sweep: (utcDay) => forgetBefore.run(utcDay).changes,
  };
};
