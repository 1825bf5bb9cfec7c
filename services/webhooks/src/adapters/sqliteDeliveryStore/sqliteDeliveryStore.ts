import type { WebhookEventType } from '@imgrec/shared';
import { LEGACY_TENANT_ID, migrateWhenColumnMissing } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import {
  decideClaim,
  type AttemptRecord,
  type ClaimResult,
  type Delivery,
  type DeliveryStatus,
} from '../../delivery/delivery.js';
import type { DeliveryStore } from '../../ports.js';

interface DeliveryRow {
  blob_id: string;
  tenant_id: string;
  webhook_id: string;
  url: string;
  event_type: string;
  payload: string;
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
  created_at: string;
  updated_at: string;
}

const fromRow = (row: DeliveryRow): Delivery => ({
  blobId: row.blob_id,
  tenantId: row.tenant_id,
  webhookId: row.webhook_id,
  url: row.url,
  eventType: row.event_type as WebhookEventType,
  payload: row.payload,
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
});

/**
 * The deliveries table in the webhooks service's own SQLite database (local mode). Each port call is one
 * transaction, so the claim rules hold even when the redrive command writes from another process (WAL).
 */
export const buildSqliteDeliveryStore = (db: Database): DeliveryStore => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS deliveries (
      blob_id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL,
      webhook_id TEXT NOT NULL UNIQUE,
      url TEXT NOT NULL,
      event_type TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      cycle_attempts INTEGER NOT NULL DEFAULT 0,
      owner_message_id TEXT,
      next_attempt_at TEXT,
      last_attempt_at TEXT,
      last_status_code INTEGER,
      last_error TEXT,
      dead_letter INTEGER NOT NULL DEFAULT 0,
      outcome_published INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `);
  // Deliveries of a data dir from before tenants were all signed with the local stack's one secret, which is now the
  // dev tenant's: they become the dev tenant's.
  migrateWhenColumnMissing(db, 'deliveries', 'tenant_id', () =>
    db.exec(`ALTER TABLE deliveries ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '${LEGACY_TENANT_ID}'`),
  );
  const select = db.prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE blob_id = ?');
  const read = (blobId: string): Delivery | undefined => {
    const row = select.get(blobId);
    return row ? fromRow(row) : undefined;
  };
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
  const publishedUpdate = db.prepare('UPDATE deliveries SET outcome_published = 1 WHERE blob_id = ?');
  const resetUpdate = db.prepare(
    `UPDATE deliveries SET status = 'pending', cycle_attempts = 0, owner_message_id = NULL, next_attempt_at = NULL,
       dead_letter = 0, outcome_published = 0, updated_at = ?
     WHERE blob_id = ? AND status IN ('pending', 'failed')`,
  );

  const create = db.transaction((delivery: Parameters<DeliveryStore['create']>[0]) => {
    const { changes } = insert.run({ ...delivery, now: delivery.now.toISOString() });
    return { created: changes === 1, delivery: read(delivery.blobId) as Delivery };
  });

  const claim = db.transaction((blobId: string, messageId: string, now: Date): ClaimResult => {
    const decision = decideClaim(read(blobId), messageId, now);
    if (decision.kind !== 'claimable') return decision;
    claimUpdate.run(messageId, now.toISOString(), now.toISOString(), blobId);
    return { kind: 'claimed', delivery: read(blobId) as Delivery };
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
    return changes === 1 ? read(blobId) : undefined;
  });

  const reset = db.transaction((blobId: string, now: Date) =>
    resetUpdate.run(now.toISOString(), blobId).changes === 1 ? read(blobId) : undefined,
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
  };
};
