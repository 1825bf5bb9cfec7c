import { LEGACY_TENANT_ID, migrateWhenColumnMissing } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import { blobViewSchema, tenantIdSchema } from '@imgrec/shared';
import type { ResultsRecord, ResultsRepository } from '../../ports.js';
import { MAX_WRITE_ATTEMPTS, earlyCallbackOutcomesSchema } from '../storedRecord/storedRecord.js';

interface Row {
  version: number;
  tenant_id: string;
  view: string | null;
  early_callback_outcomes: string | null;
}

/** Stored JSON is parsed, not cast: a row written by an older release fails loudly instead of leaking out. */
const decode = (row: Row): ResultsRecord => ({
  tenantId: tenantIdSchema.parse(row.tenant_id),
  ...(row.view !== null && { view: blobViewSchema.parse(JSON.parse(row.view)) }),
  ...(row.early_callback_outcomes !== null && {
    earlyCallbackOutcomes: earlyCallbackOutcomesSchema.parse(JSON.parse(row.early_callback_outcomes)),
  }),
});

const encode = (blobId: string, record: ResultsRecord) => ({
  blob_id: blobId,
  tenant_id: record.tenantId,
  status: record.view?.status ?? null,
  view: record.view === undefined ? null : JSON.stringify(record.view),
  early_callback_outcomes:
    record.earlyCallbackOutcomes === undefined ? null : JSON.stringify(record.earlyCallbackOutcomes),
});

/**
 * The results repository over SQLite (local mode). One row per blob: its owner and its status for queries, the view
 * as JSON, and a version that every write checks and bumps, the same compare-and-set the DynamoDB adapter does with
 * a condition expression. Creates its table if missing; the caller opens the database and chooses its journal mode.
 */
export const buildSqliteResultsRepository = (db: Database): ResultsRepository => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS blob_results (
      blob_id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      tenant_id TEXT NOT NULL,
      status TEXT,
      view TEXT,
      early_callback_outcomes TEXT
    ) STRICT
  `);
  // A data dir from before tenants: every blob in it was made by its one caller, now the dev tenant.
  migrateWhenColumnMissing(db, 'blob_results', 'tenant_id', () =>
    db.exec(`ALTER TABLE blob_results ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '${LEGACY_TENANT_ID}'`),
  );
  const select = db.prepare<[string], Row>(
    'SELECT version, tenant_id, view, early_callback_outcomes FROM blob_results WHERE blob_id = ?',
  );
  const selectView = db.prepare<[string], Pick<Row, 'tenant_id' | 'view'>>(
    'SELECT tenant_id, view FROM blob_results WHERE blob_id = ?',
  );
  // DO NOTHING makes a lost race to create the row visible as zero changes, like an update of a stale version.
  const insert = db.prepare<[ReturnType<typeof encode>]>(`
    INSERT INTO blob_results (blob_id, version, tenant_id, status, view, early_callback_outcomes)
    VALUES (@blob_id, 1, @tenant_id, @status, @view, @early_callback_outcomes)
    ON CONFLICT (blob_id) DO NOTHING
  `);
  const update = db.prepare<[ReturnType<typeof encode> & { expected_version: number }]>(`
    UPDATE blob_results
    SET version = version + 1, tenant_id = @tenant_id, status = @status, view = @view,
      early_callback_outcomes = @early_callback_outcomes
    WHERE blob_id = @blob_id AND version = @expected_version
  `);

  return {
    get: async (blobId) => {
      const row = selectView.get(blobId);
      if (row?.view == null) return undefined;
      return { tenantId: tenantIdSchema.parse(row.tenant_id), view: blobViewSchema.parse(JSON.parse(row.view)) };
    },

    apply: async (blobId, change) => {
      for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
        const row = select.get(blobId);
        const current = row === undefined ? undefined : decode(row);
        const next = change(current);
        if (next === undefined) return current;
        const written =
          row === undefined
            ? insert.run(encode(blobId, next))
            : update.run({ ...encode(blobId, next), expected_version: row.version });
        if (written.changes === 1) return next;
      }
      throw new Error(`results for blob ${blobId} kept changing under concurrent writers`);
    },
  };
};
