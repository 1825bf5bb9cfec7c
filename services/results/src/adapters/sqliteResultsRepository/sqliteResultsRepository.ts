import { LEGACY_TENANT_ID, migrateWhenColumnMissing } from '@imgrec/shared/local';
import type { Database, Statement } from 'better-sqlite3';
import { parseStoredBlobView, tenantIdSchema, type BlobStatus } from '@imgrec/shared';
import { positionOf } from '../../listPosition/listPosition.js';
import type { OwnedView, ResultsRecord, ResultsRepository } from '../../ports.js';
import {
  MAX_WRITE_ATTEMPTS,
  deleteAfterOf,
  earlyCallbackOutcomesSchema,
  epochSecondsOf,
  type RecordRetention,
} from '../storedRecord/storedRecord.js';

interface Row {
  version: number;
  tenant_id: string;
  view: string | null;
  early_callback_outcomes: string | null;
  expires_at: string | null;
  deleted_at: string | null;
}

type ViewRow = Pick<Row, 'tenant_id' | 'view' | 'expires_at'>;

/** The longest an upload URL lives: a row from before expiries were kept counts as expired this long after creation. */
const MAX_UPLOAD_URL_TTL_MS = 600_000;

/** Stored JSON is parsed, not cast: a row written by an older release fails loudly instead of leaking out. */
const decode = (row: Row): ResultsRecord => ({
  tenantId: tenantIdSchema.parse(row.tenant_id),
  ...(row.view !== null && { view: parseStoredBlobView(JSON.parse(row.view)) }),
  ...(row.early_callback_outcomes !== null && {
    earlyCallbackOutcomes: earlyCallbackOutcomesSchema.parse(JSON.parse(row.early_callback_outcomes)),
  }),
  ...(row.expires_at !== null && { expiresAt: row.expires_at }),
  ...(row.deleted_at !== null && { deletedAt: row.deleted_at }),
});

const decodeView = (row: ViewRow): OwnedView | undefined =>
  row.view === null
    ? undefined
    : {
        tenantId: tenantIdSchema.parse(row.tenant_id),
        view: parseStoredBlobView(JSON.parse(row.view)),
        ...(row.expires_at !== null && { expiresAt: row.expires_at }),
      };

const encode = (blobId: string, record: ResultsRecord, retention: RecordRetention) => ({
  blob_id: blobId,
  tenant_id: record.tenantId,
  status: record.view?.status ?? null,
  view: record.view === undefined ? null : JSON.stringify(record.view),
  early_callback_outcomes:
    record.earlyCallbackOutcomes === undefined ? null : JSON.stringify(record.earlyCallbackOutcomes),
  // Only a blob with a view is listed; the column is the list index's sort key.
  created_at: record.view === undefined ? null : positionOf(record.view).createdAt,
  expires_at: record.expiresAt ?? null,
  deleted_at: record.deletedAt ?? null,
  delete_after: deleteAfterOf(record, retention, new Date()),
});

type Encoded = ReturnType<typeof encode>;

/** The list's condition for a status as served: `expired` and `awaiting_upload` are both stored as awaiting_upload. */
const STATUS_CONDITIONS: Record<BlobStatus, string> = {
  expired: "status = 'awaiting_upload' AND expires_at <= @now",
  awaiting_upload: "status = 'awaiting_upload' AND (expires_at IS NULL OR expires_at > @now)",
  processing: "status = 'processing'",
  succeeded: "status = 'succeeded'",
  failed: "status = 'failed'",
};

/** A results repository that also removes, in local mode, the records whose retention has passed. */
export interface SqliteResultsRepository extends ResultsRepository {
  /** Deletes every record (tombstones included) whose retention has passed at `now`; returns how many. */
  sweep(now: Date): number;
}

/** A row's record, or undefined for one that no longer decodes (which GET answers with a 500). */
const decodeOrUndefined = (row: Row): ResultsRecord | undefined => {
  try {
    return decode(row);
  } catch {
    return undefined;
  }
};

/**
 * Brings a data dir from before the list and retention up to date: the list's columns, filled in from each row's
 * view, and every row's retention. Expiries were not kept then, so a blob still awaiting its upload gets the longest
 * an upload URL lives. A row that does not decode is kept for the retention from now, and never listed.
 */
const addListAndRetentionColumns = (db: Database, retention: RecordRetention) => {
  for (const column of ['created_at TEXT', 'expires_at TEXT', 'deleted_at TEXT', 'delete_after INTEGER']) {
    db.exec(`ALTER TABLE blob_results ADD COLUMN ${column}`);
  }
  const fill = db.prepare<[Pick<Encoded, 'blob_id' | 'created_at' | 'expires_at' | 'delete_after'>]>(
    `UPDATE blob_results SET created_at = @created_at, expires_at = @expires_at, delete_after = @delete_after
     WHERE blob_id = @blob_id`,
  );
  const now = new Date();
  for (const row of db.prepare<[], Row & { blob_id: string }>('SELECT * FROM blob_results').all()) {
    const record = decodeOrUndefined(row);
    if (record === undefined) {
      fill.run({
        blob_id: row.blob_id,
        created_at: null,
        expires_at: null,
        delete_after: deleteAfterOf({ tenantId: row.tenant_id }, retention, now),
      });
      continue;
    }
    const createdAt = record.view === undefined ? undefined : positionOf(record.view).createdAt;
    const expiresAt =
      record.view?.status === 'awaiting_upload' && createdAt !== undefined
        ? new Date(Date.parse(createdAt) + MAX_UPLOAD_URL_TTL_MS).toISOString()
        : undefined;
    const { blob_id, created_at, expires_at, delete_after } = encode(row.blob_id, { ...record, expiresAt }, retention);
    fill.run({ blob_id, created_at, expires_at, delete_after });
  }
};

/**
 * The results repository over SQLite (local mode). One row per blob: its owner, status, creation time and upload
 * expiry as columns for the list, the view as JSON, `delete_after` (epoch seconds) for the retention, and a version
 * that every write checks and bumps, the same compare-and-set the DynamoDB adapter does with a condition expression.
 * The list reads an index on (tenant_id, created_at, blob_id), newest first, and pages by keyset. Creates its table
 * and index if missing; the caller opens the database and chooses its journal mode.
 */
export const buildSqliteResultsRepository = (db: Database, retention: RecordRetention): SqliteResultsRepository => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS blob_results (
      blob_id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      tenant_id TEXT NOT NULL,
      status TEXT,
      view TEXT,
      early_callback_outcomes TEXT,
      created_at TEXT,
      expires_at TEXT,
      deleted_at TEXT,
      delete_after INTEGER
    ) STRICT
  `);
  // A data dir from before tenants: every blob in it was made by its one caller, now the dev tenant.
  migrateWhenColumnMissing(db, 'blob_results', 'tenant_id', () =>
    db.exec(`ALTER TABLE blob_results ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '${LEGACY_TENANT_ID}'`),
  );
  migrateWhenColumnMissing(db, 'blob_results', 'delete_after', () => addListAndRetentionColumns(db, retention));
  db.exec(`
    CREATE INDEX IF NOT EXISTS blob_results_by_tenant_created
    ON blob_results (tenant_id, created_at DESC, blob_id DESC)
  `);

  const select = db.prepare<[string], Row>(
    `SELECT version, tenant_id, view, early_callback_outcomes, expires_at, deleted_at
     FROM blob_results WHERE blob_id = ?`,
  );
  // A row without delete_after (written by another release's writer) is kept: only a stored delete_after ends one.
  const selectView = db.prepare<[{ blob_id: string; now_s: number }], ViewRow>(
    `SELECT tenant_id, view, expires_at FROM blob_results
     WHERE blob_id = @blob_id AND (delete_after IS NULL OR delete_after > @now_s)`,
  );
  // DO NOTHING makes a lost race to create the row visible as zero changes, like an update of a stale version.
  const insert = db.prepare<[Encoded]>(`
    INSERT INTO blob_results
      (blob_id, version, tenant_id, status, view, early_callback_outcomes, created_at, expires_at, deleted_at,
       delete_after)
    VALUES
      (@blob_id, 1, @tenant_id, @status, @view, @early_callback_outcomes, @created_at, @expires_at, @deleted_at,
       @delete_after)
    ON CONFLICT (blob_id) DO NOTHING
  `);
  const update = db.prepare<[Encoded & { expected_version: number }]>(`
    UPDATE blob_results
    SET version = version + 1, tenant_id = @tenant_id, status = @status, view = @view,
      early_callback_outcomes = @early_callback_outcomes, created_at = @created_at, expires_at = @expires_at,
      deleted_at = @deleted_at, delete_after = @delete_after
    WHERE blob_id = @blob_id AND version = @expected_version
  `);
  const sweep = db.prepare<[number]>('DELETE FROM blob_results WHERE delete_after <= ?');

  // One statement per shape of query (status filter, first page or not), prepared when first needed.
  const listStatements = new Map<string, Statement<Record<string, unknown>, ViewRow>>();
  const listStatement = (status: BlobStatus | undefined, paged: boolean) => {
    const key = `${status ?? ''}:${paged}`;
    let statement = listStatements.get(key);
    if (statement === undefined) {
      const conditions = [
        'tenant_id = @tenant_id',
        // Tombstones and records without a view have no creation time: they are never listed.
        'created_at IS NOT NULL',
        'delete_after > @now_s',
        ...(paged ? ['(created_at, blob_id) < (@after_created_at, @after_blob_id)'] : []),
        ...(status === undefined ? [] : [STATUS_CONDITIONS[status]]),
      ];
      statement = db.prepare<Record<string, unknown>, ViewRow>(`
        SELECT tenant_id, view, expires_at FROM blob_results
        WHERE ${conditions.join(' AND ')}
        ORDER BY created_at DESC, blob_id DESC
        LIMIT @limit
      `);
      listStatements.set(key, statement);
    }
    return statement;
  };

  return {
    get: async (blobId, now) => {
      const row = selectView.get({ blob_id: blobId, now_s: epochSecondsOf(now) });
      return row === undefined ? undefined : decodeView(row);
    },

    list: async (tenantId, { status, limit, after, now }) => {
      const rows = listStatement(status, after !== undefined).all({
        tenant_id: tenantId,
        now_s: epochSecondsOf(now),
        limit: limit + 1,
        ...(status === 'expired' || status === 'awaiting_upload' ? { now: now.toISOString() } : {}),
        ...(after && { after_created_at: after.createdAt, after_blob_id: after.blobId }),
      });
      const items = rows.slice(0, limit).flatMap((row) => decodeView(row) ?? []);
      return { items, more: rows.length > limit };
    },

    apply: async (blobId, change) => {
      for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
        const row = select.get(blobId);
        const current = row === undefined ? undefined : decode(row);
        const next = change(current);
        if (next === undefined) return current;
        const written =
          row === undefined
            ? insert.run(encode(blobId, next, retention))
            : update.run({ ...encode(blobId, next, retention), expected_version: row.version });
        if (written.changes === 1) return next;
      }
      throw new Error(`results for blob ${blobId} kept changing under concurrent writers`);
    },

    sweep: (now) => sweep.run(epochSecondsOf(now)).changes,
  };
};
