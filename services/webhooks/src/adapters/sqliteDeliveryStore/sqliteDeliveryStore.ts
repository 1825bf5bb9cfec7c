import type { WebhookEventType } from '@imgrec/shared';
import { LEGACY_TENANT_ID, migrateWhenColumnMissing } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import {
  decideClaim,
  type AttemptRecord,
  type ClaimResult,
  type Delivery,
  type DeliveryStatus,
  type NewDelivery,
  type StoredDelivery,
} from '../../delivery/delivery.js';
import type { DeliveryStore } from '../../ports.js';

interface DeliveryRow {
  blob_id: string;
  tenant_id: string;
  webhook_id: string | null;
  url: string | null;
  event_type: string | null;
  payload: string | null;
  status: string;
  attempts: number;
  cycle_attempts: number;
  owner_message_id: string | null;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  dead_letter: number;
  outcome_published: number;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

const fromRow = (row: DeliveryRow): StoredDelivery => {
  if (row.status === 'deleted') {
    return {
      blobId: row.blob_id,
      tenantId: row.tenant_id,
      status: 'deleted',
      deletedAt: row.deleted_at as string,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
  return {
    blobId: row.blob_id,
    tenantId: row.tenant_id,
    webhookId: row.webhook_id as string,
    url: row.url as string,
    eventType: row.event_type as WebhookEventType,
    payload: row.payload as string,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    cycleAttempts: row.cycle_attempts,
    ownerMessageId: row.owner_message_id ?? undefined,
    nextAttemptAt: row.next_attempt_at ?? undefined,
    lastAttemptAt: row.last_attempt_at ?? undefined,
    lastStatusCode: row.last_status_code ?? undefined,
    lastError: row.last_error ?? undefined,
    deadLetter: row.dead_letter === 1,
    outcomePublished: row.outcome_published === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

/**
 * The deliveries table. A deleted blob's tombstone keeps its owner and dates only: nothing it could send (the CHECKs
 * hold every adapter write to that).
 */
const deliveriesTable = (name: string) => `
  CREATE TABLE IF NOT EXISTS ${name} (
    blob_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    webhook_id TEXT UNIQUE,
    url TEXT,
    event_type TEXT,
    payload TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'deleted')),
    attempts INTEGER NOT NULL DEFAULT 0,
    cycle_attempts INTEGER NOT NULL DEFAULT 0,
    owner_message_id TEXT,
    next_attempt_at TEXT,
    last_attempt_at TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    dead_letter INTEGER NOT NULL DEFAULT 0,
    outcome_published INTEGER NOT NULL DEFAULT 0,
    deleted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (status = 'deleted' OR
      (webhook_id IS NOT NULL AND url IS NOT NULL AND event_type IS NOT NULL AND payload IS NOT NULL)),
    CHECK (status <> 'deleted' OR
      (deleted_at IS NOT NULL AND webhook_id IS NULL AND url IS NULL AND payload IS NULL AND last_error IS NULL))
  );
`;

/** A SQLite DeliveryStore, plus what only the local retention sweep needs. */
export interface SqliteDeliveryStore extends DeliveryStore {
  /** Deletes the deliveries and tombstones created before `createdBefore`; returns how many (the local retention). */
  deleteCreatedBefore(createdBefore: Date): number;
}

/**
 * The deliveries table in the webhooks service's own SQLite database (local mode). Each port call is one
 * transaction, so the claim rules hold even when the redrive command writes from another process (WAL).
 */
export const buildSqliteDeliveryStore = (db: Database): SqliteDeliveryStore => {
  db.exec(deliveriesTable('deliveries'));
  // Deliveries of a data dir from before tenants were all signed with the local stack's one secret, which is now the
  // dev tenant's: they become the dev tenant's.
  migrateWhenColumnMissing(db, 'deliveries', 'tenant_id', () =>
    db.exec(`ALTER TABLE deliveries ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '${LEGACY_TENANT_ID}'`),
  );
  // A table from before tombstones refuses the `deleted` status and NULL payloads, and SQLite cannot change a
  // column's constraints: it is rebuilt, its rows copied as they are, column by column (by name, since a column
  // added by a migration comes last).
  migrateWhenColumnMissing(db, 'deliveries', 'deleted_at', () => {
    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('deliveries')")
      .all()
      .map((column) => column.name)
      .join(', ');
    db.exec(`
      ${deliveriesTable('deliveries_rebuilt')}
      INSERT INTO deliveries_rebuilt (${columns}) SELECT ${columns} FROM deliveries;
      DROP TABLE deliveries;
      ALTER TABLE deliveries_rebuilt RENAME TO deliveries;
    `);
  });
  db.exec('CREATE INDEX IF NOT EXISTS deliveries_created_at ON deliveries (created_at)');
  const select = db.prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE blob_id = ?');
  const read = (blobId: string): StoredDelivery | undefined => {
    const row = select.get(blobId);
    return row ? fromRow(row) : undefined;
  };
  // After a write that left the row live (pending, delivered or failed), inside the same transaction.
  const readLive = (blobId: string): Delivery => read(blobId) as Delivery;
  const insert = db.prepare(
    `INSERT INTO deliveries (blob_id, tenant_id, webhook_id, url, event_type, payload, status, created_at, updated_at)
     VALUES (@blobId, @tenantId, @webhookId, @url, @eventType, @payload, 'pending', @now, @now)
     ON CONFLICT (blob_id) DO NOTHING`,
  );
  const claimUpdate = db.prepare(
    `UPDATE deliveries SET attempts = attempts + 1, cycle_attempts = cycle_attempts + 1, owner_message_id = ?,
       last_attempt_at = ?, updated_at = ? WHERE blob_id = ?`,
  );
  const recordUpdate = db.prepare(
    `UPDATE deliveries SET status = @status, last_status_code = @statusCode, last_error = @error,
       next_attempt_at = @nextAttemptAt, dead_letter = @deadLetter, updated_at = @now
     WHERE blob_id = @blobId AND status = 'pending' AND attempts = @attempt`,
  );
  const publishedUpdate = db.prepare(
    "UPDATE deliveries SET outcome_published = 1 WHERE blob_id = ? AND status IN ('delivered', 'failed')",
  );
  const resetUpdate = db.prepare(
    `UPDATE deliveries SET status = 'pending', cycle_attempts = 0, owner_message_id = NULL, next_attempt_at = NULL,
       dead_letter = 0, outcome_published = 0, updated_at = ?
     WHERE blob_id = ? AND status IN ('pending', 'failed')`,
  );
  // A tombstone replaces the row whole: nothing of the delivery is kept but its owner and creation time.
  const deleteRow = db.prepare('DELETE FROM deliveries WHERE blob_id = ?');
  const insertTombstone = db.prepare(
    `INSERT INTO deliveries (blob_id, tenant_id, status, deleted_at, created_at, updated_at)
     VALUES (@blobId, @tenantId, 'deleted', @deletedAt, @createdAt, @now)`,
  );
  const deleteOld = db.prepare('DELETE FROM deliveries WHERE created_at < ?');

  const create = db.transaction((delivery: NewDelivery) => {
    const { changes } = insert.run({ ...delivery, now: delivery.now.toISOString() });
    return changes === 1
      ? { created: true as const, delivery: readLive(delivery.blobId) }
      : { created: false as const, delivery: read(delivery.blobId) as StoredDelivery };
  });

  const claim = db.transaction((blobId: string, messageId: string, now: Date): ClaimResult => {
    const decision = decideClaim(read(blobId), messageId, now);
    if (decision.kind !== 'claimable') return decision;
    claimUpdate.run(messageId, now.toISOString(), now.toISOString(), blobId);
    return { kind: 'claimed', delivery: readLive(blobId) };
  });

  const record = db.transaction((blobId: string, attempt: number, outcome: AttemptRecord, now: Date) => {
    const { changes } = recordUpdate.run({
      blobId,
      attempt,
      status: outcome.result === 'retry' ? 'pending' : outcome.result,
      statusCode: outcome.statusCode ?? null,
      error: outcome.result === 'delivered' ? null : outcome.error,
      nextAttemptAt: outcome.result === 'retry' ? outcome.nextAttemptAt : null,
      deadLetter: outcome.result === 'failed' && outcome.deadLetter ? 1 : 0,
      now: now.toISOString(),
    });
    return changes === 1 ? readLive(blobId) : undefined;
  });

  const reset = db.transaction((blobId: string, now: Date) =>
    resetUpdate.run(now.toISOString(), blobId).changes === 1 ? readLive(blobId) : undefined,
  );

  const markDeleted = db.transaction(
    (blobId: string, { tenantId, deletedAt, now }: Parameters<DeliveryStore['markDeleted']>[1]) => {
      const before = select.get(blobId);
      if (before?.status === 'deleted') return 'deleted';
      deleteRow.run(blobId);
      insertTombstone.run({
        blobId,
        tenantId: before?.tenant_id ?? tenantId,
        deletedAt,
        createdAt: before?.created_at ?? now.toISOString(),
        now: now.toISOString(),
      });
      return before?.status as DeliveryStatus | undefined;
    },
  );

  return {
    create: async (delivery) => create(delivery),
    get: async (blobId) => read(blobId),
    claim: async (blobId, { messageId, now }) => claim(blobId, messageId, now),
    recordAttempt: async (blobId, attempt, outcome, now) => record(blobId, attempt, outcome, now),
    markOutcomePublished: async (blobId) => {
      publishedUpdate.run(blobId);
    },
    resetForRedrive: async (blobId, now) => reset(blobId, now),
    markDeleted: async (blobId, deletion) => markDeleted(blobId, deletion),
    deleteCreatedBefore: (createdBefore) => deleteOld.run(createdBefore.toISOString()).changes,
  };
};
