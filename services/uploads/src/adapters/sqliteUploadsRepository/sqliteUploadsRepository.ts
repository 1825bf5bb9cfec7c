import type { Database } from 'better-sqlite3';
import {
  IDEMPOTENCY_WINDOW_MS,
  type CreateResult,
  type CreateUploadResponse,
  type IdempotentRequest,
  type UploadRecord,
  type UploadsRepository,
} from '../../ports.js';

interface IdempotencyRow {
  request_hash: string;
  response: string;
  created_at: number;
}

/**
 * The uploads table and its idempotency keys in the service's own SQLite database. better-sqlite3 is synchronous,
 * so each method is one transaction and concurrent requests in this process cannot interleave inside it.
 */
export const buildSqliteUploadsRepository = (db: Database, now: () => number = Date.now): UploadsRepository => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS uploads (blob_id TEXT PRIMARY KEY, record TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS idempotency_keys (
      key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL);
  `);
  const selectIdempotent = db.prepare<[string], IdempotencyRow>(
    'SELECT request_hash, response, created_at FROM idempotency_keys WHERE key = ?',
  );
  const selectUpload = db.prepare<[string], { record: string }>('SELECT record FROM uploads WHERE blob_id = ?');
  const upsertIdempotent = db.prepare(
    `INSERT INTO idempotency_keys (key, request_hash, response, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, response = excluded.response,
     created_at = excluded.created_at`,
  );
  const insertUpload = db.prepare('INSERT INTO uploads (blob_id, record) VALUES (?, ?)');
  const updateUpload = db.prepare('UPDATE uploads SET record = ? WHERE blob_id = ?');

  const findIdempotent = (key: string) => {
    const row = selectIdempotent.get(key);
    if (!row || row.created_at < now() - IDEMPOTENCY_WINDOW_MS) return undefined;
    return { requestHash: row.request_hash, response: JSON.parse(row.response) as CreateUploadResponse };
  };
  const get = (blobId: string) => {
    const row = selectUpload.get(blobId);
    return row && (JSON.parse(row.record) as UploadRecord);
  };

  const create = db.transaction((record: UploadRecord, idempotency?: IdempotentRequest): CreateResult => {
    if (idempotency) {
      const existing = findIdempotent(idempotency.key);
      if (existing) return { created: false, existing };
      upsertIdempotent.run(idempotency.key, idempotency.requestHash, JSON.stringify(idempotency.response), now());
    }
    insertUpload.run(record.blob_id, JSON.stringify(record));
    return { created: true };
  });

  const markStored = db.transaction((blobId: string, storedAt: string): UploadRecord | undefined => {
    const record = get(blobId);
    if (!record || record.stored_at) return record;
    const stored = { ...record, stored_at: storedAt };
    updateUpload.run(JSON.stringify(stored), blobId);
    return stored;
  });

  return {
    create: async (record, idempotency) => create(record, idempotency),
    findIdempotent: async (key) => findIdempotent(key),
    get: async (blobId) => get(blobId),
    markStored: async (blobId, storedAt) => markStored(blobId, storedAt),
  };
};
