import type { Clock } from '@imgrec/shared';
import { LEGACY_TENANT_ID, migrateWhenColumnMissing } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import {
  IDEMPOTENCY_WINDOW_MS,
  type CreateResult,
  type CreateUploadResponse,
  type IdempotentRequest,
  type UploadRecord,
  type UploadsRepository,
} from '../../ports.js';

/** What the local retention sweep deletes: everything made before these moments. */
export interface UploadsSweepDeadlines {
  /** Upload records created before this go, and with them the Idempotency-Keys that name them. */
  recordsCreatedBefore: Date;
  /** Idempotency-Keys claimed before this go, whatever their blob. */
  keysCreatedBefore: Date;
}

export interface SqliteUploadsRepository extends UploadsRepository {
  /**
   * Deletes the upload records and Idempotency-Keys past their deadlines (local mode's stand-in for DynamoDB's
   * TTL). Returns how many rows it deleted.
   */
  sweep(deadlines: UploadsSweepDeadlines): number;
}

interface IdempotencyRow {
  request_hash: string;
  response: string;
  created_at: number;
}

/**
 * The uploads table and its idempotency keys in the service's own SQLite database. better-sqlite3 is synchronous,
 * so each method is one transaction and concurrent requests in this process cannot interleave inside it.
 * Idempotency keys are keyed by tenant and key together, so two tenants' keys never meet.
 */
export const buildSqliteUploadsRepository = (
  db: Database,
  clock: Clock = () => new Date(),
): SqliteUploadsRepository => {
  const now = () => clock().getTime();
  db.exec(`
    CREATE TABLE IF NOT EXISTS uploads (blob_id TEXT PRIMARY KEY, record TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS idempotency_keys (
      tenant_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT NOT NULL,
      created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, key));
  `);
  // A data dir from before tenants: its one caller is now the dev tenant. Its idempotency keys change primary key,
  // so the table is rebuilt; its uploads gain their owner, and those whose image was stored were announced then.
  migrateWhenColumnMissing(db, 'idempotency_keys', 'tenant_id', () =>
    db.exec(`
      ALTER TABLE idempotency_keys RENAME TO idempotency_keys_before_tenants;
      CREATE TABLE idempotency_keys (
        tenant_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, key));
      INSERT INTO idempotency_keys (tenant_id, key, request_hash, response, created_at)
        SELECT '${LEGACY_TENANT_ID}', key, request_hash, response, created_at FROM idempotency_keys_before_tenants;
      DROP TABLE idempotency_keys_before_tenants;
      UPDATE uploads SET record = json_set(record, '$.tenant_id', '${LEGACY_TENANT_ID}')
        WHERE json_extract(record, '$.tenant_id') IS NULL;
      UPDATE uploads SET record = json_set(record, '$.announced_at', json_extract(record, '$.stored_at'))
        WHERE json_extract(record, '$.stored_at') IS NOT NULL AND json_extract(record, '$.announced_at') IS NULL;
    `),
  );
  const selectIdempotent = db.prepare<[string, string], IdempotencyRow>(
    'SELECT request_hash, response, created_at FROM idempotency_keys WHERE tenant_id = ? AND key = ?',
  );
  const selectUpload = db.prepare<[string], { record: string }>('SELECT record FROM uploads WHERE blob_id = ?');
  const upsertIdempotent = db.prepare(
    `INSERT INTO idempotency_keys (tenant_id, key, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = excluded.request_hash, response = excluded.response,
     created_at = excluded.created_at`,
  );
  const insertUpload = db.prepare('INSERT INTO uploads (blob_id, record) VALUES (?, ?)');
  const updateUpload = db.prepare('UPDATE uploads SET record = ? WHERE blob_id = ?');
  const deleteUpload = db.prepare<[string]>('DELETE FROM uploads WHERE blob_id = ?');
  // A key names its blob in the response it replays; one claimed afresh since belongs to another blob and stays.
  const deleteIdempotentOfBlob = db.prepare<[string, string, string]>(
    `DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND json_extract(response, '$.blob_id') = ?`,
  );
  // ISO timestamps of one format compare as strings in time order.
  const deleteIdempotentOfOldUploads = db.prepare<[string]>(
    `DELETE FROM idempotency_keys WHERE json_extract(response, '$.blob_id') IN
       (SELECT blob_id FROM uploads WHERE json_extract(record, '$.created_at') < ?)`,
  );
  const deleteOldUploads = db.prepare<[string]>(`DELETE FROM uploads WHERE json_extract(record, '$.created_at') < ?`);
  const deleteOldIdempotent = db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at < ?');

  const findIdempotent = (tenantId: string, key: string) => {
    const row = selectIdempotent.get(tenantId, key);
    if (!row || row.created_at < now() - IDEMPOTENCY_WINDOW_MS) return undefined;
    return { requestHash: row.request_hash, response: JSON.parse(row.response) as CreateUploadResponse };
  };
  const get = (blobId: string) => {
    const row = selectUpload.get(blobId);
    return row && (JSON.parse(row.record) as UploadRecord);
  };

  const create = db.transaction((record: UploadRecord, idempotency?: IdempotentRequest): CreateResult => {
    if (idempotency) {
      const existing = findIdempotent(record.tenant_id, idempotency.key);
      if (existing) return { created: false, existing };
      upsertIdempotent.run(
        record.tenant_id,
        idempotency.key,
        idempotency.requestHash,
        JSON.stringify(idempotency.response),
        now(),
      );
    }
    insertUpload.run(record.blob_id, JSON.stringify(record));
    return { created: true };
  });

  /** Sets `field` to `at` unless it is set already; resolves to the record as stored. */
  const markOnce = (field: 'stored_at' | 'announced_at') =>
    db.transaction((blobId: string, at: string): UploadRecord | undefined => {
      const record = get(blobId);
      if (!record || record[field]) return record;
      const marked = { ...record, [field]: at };
      updateUpload.run(JSON.stringify(marked), blobId);
      return marked;
    });
  const markStored = markOnce('stored_at');
  const markAnnounced = markOnce('announced_at');

  const deleteBlob = db.transaction((record: Pick<UploadRecord, 'blob_id' | 'tenant_id' | 'idempotency_key'>) => {
    if (record.idempotency_key !== undefined) {
      deleteIdempotentOfBlob.run(record.tenant_id, record.idempotency_key, record.blob_id);
    }
    deleteUpload.run(record.blob_id);
  });

  const sweep = db.transaction(
    ({ recordsCreatedBefore, keysCreatedBefore }: UploadsSweepDeadlines): number =>
      deleteIdempotentOfOldUploads.run(recordsCreatedBefore.toISOString()).changes +
      deleteOldUploads.run(recordsCreatedBefore.toISOString()).changes +
      deleteOldIdempotent.run(keysCreatedBefore.getTime()).changes,
  );

  return {
    create: async (record, idempotency) => create(record, idempotency),
    findIdempotent: async (tenantId, key) => findIdempotent(tenantId, key),
    get: async (blobId) => get(blobId),
    markStored: async (blobId, storedAt) => markStored(blobId, storedAt),
    markAnnounced: async (blobId, announcedAt) => {
      markAnnounced(blobId, announcedAt);
    },
    delete: async (record) => {
      deleteBlob(record);
    },
    sweep: (deadlines) => sweep(deadlines),
  };
};
