import { describe, expect, it } from '@jest/globals';
import { openDatabase } from '@imgrec/shared/local';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDeliveryStoreContract } from '../deliveryStoreContract.js';
import { buildSqliteDeliveryStore } from './sqliteDeliveryStore.js';

describeDeliveryStoreContract('SQLite', () => buildSqliteDeliveryStore(openDatabase(':memory:')));

describe('buildSqliteDeliveryStore', () => {
  it('keeps deliveries across a reopen of the database file, as after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgrec-deliveries-'));
    try {
      const file = join(dir, 'webhooks.db');
      const first = openDatabase(file);
      await buildSqliteDeliveryStore(first).create({
        blobId: 'b1',
        tenantId: 'tenant_a',
        webhookId: 'msg_b1',
        url: 'https://hooks.example.com/',
        eventType: 'blob.recognition_failed',
        payload: '{}',
        now: new Date(),
      });
      first.close();
      const reopened = buildSqliteDeliveryStore(openDatabase(file));
      expect(await reopened.get('b1')).toMatchObject({
        tenantId: 'tenant_a',
        webhookId: 'msg_b1',
        eventType: 'blob.recognition_failed',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the deliveries of a data dir from before tenants to the dev tenant, whose secret was the stack's", async () => {
    const db = openDatabase(':memory:');
    // The table as releases before tenants created it, with a delivery waiting for its second attempt.
    db.exec(`
      CREATE TABLE deliveries (
        blob_id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, event_type TEXT NOT NULL,
        payload TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0, cycle_attempts INTEGER NOT NULL DEFAULT 0, owner_message_id TEXT,
        next_attempt_at TEXT, last_attempt_at TEXT, last_status_code INTEGER, last_error TEXT,
        dead_letter INTEGER NOT NULL DEFAULT 0, outcome_published INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      INSERT INTO deliveries (blob_id, webhook_id, url, event_type, payload, status, attempts, cycle_attempts,
        created_at, updated_at)
      VALUES ('old', 'msg_old', 'http://localhost:4000/', 'blob.labels_detected', '{}', 'pending', 1, 1,
        '2026-11-27T12:00:00.000Z', '2026-11-27T12:00:00.000Z');
    `);
    const store = buildSqliteDeliveryStore(db);
    expect(await store.get('old')).toMatchObject({ tenantId: 'dev', webhookId: 'msg_old', attempts: 1 });
    await store.create({
      blobId: 'new',
      tenantId: 'tenant_a',
      webhookId: 'msg_new',
      url: 'https://hooks.example.com/',
      eventType: 'blob.labels_detected',
      payload: '{}',
      now: new Date(),
    });
    expect(await buildSqliteDeliveryStore(db).get('new')).toMatchObject({ tenantId: 'tenant_a' });
  });

  it('rebuilds a table from before deletes, keeping its deliveries, so that a delete can leave a tombstone', async () => {
    const db = openDatabase(':memory:');
    // The table as releases with tenants and before deletes created it, with a delivery waiting for a retry.
    db.exec(`
      CREATE TABLE deliveries (
        blob_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, webhook_id TEXT NOT NULL UNIQUE, url TEXT NOT NULL,
        event_type TEXT NOT NULL, payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0, cycle_attempts INTEGER NOT NULL DEFAULT 0, owner_message_id TEXT,
        next_attempt_at TEXT, last_attempt_at TEXT, last_status_code INTEGER, last_error TEXT,
        dead_letter INTEGER NOT NULL DEFAULT 0, outcome_published INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      INSERT INTO deliveries (blob_id, tenant_id, webhook_id, url, event_type, payload, status, attempts,
        cycle_attempts, owner_message_id, last_status_code, last_error, created_at, updated_at)
      VALUES ('old', 'tenant_a', 'msg_old', 'https://hooks.example.com/', 'blob.labels_detected', '{}', 'pending', 1,
        1, 'm1', 503, 'HTTP 503', '2026-11-27T12:00:00.000Z', '2026-11-27T12:00:01.000Z');
    `);
    const store = buildSqliteDeliveryStore(db);
    expect(await store.get('old')).toMatchObject({
      tenantId: 'tenant_a',
      webhookId: 'msg_old',
      url: 'https://hooks.example.com/',
      status: 'pending',
      attempts: 1,
      ownerMessageId: 'm1',
      lastError: 'HTTP 503',
    });

    const deletedAt = '2026-11-28T12:00:00.000Z';
    await store.markDeleted('old', { tenantId: 'tenant_a', deletedAt, now: new Date(deletedAt) });

    expect(await buildSqliteDeliveryStore(db).get('old')).toStrictEqual({
      blobId: 'old',
      tenantId: 'tenant_a',
      status: 'deleted',
      deletedAt,
      createdAt: '2026-11-27T12:00:00.000Z',
      updatedAt: deletedAt,
    });
    expect(
      db.prepare("SELECT url, payload, webhook_id, last_error FROM deliveries WHERE blob_id = 'old'").get(),
    ).toEqual({ url: null, payload: null, webhook_id: null, last_error: null });
  });

  it('deletes the deliveries and tombstones created before a moment, for the local retention', async () => {
    const store = buildSqliteDeliveryStore(openDatabase(':memory:'));
    const delivery = (blobId: string, now: string) => ({
      blobId,
      tenantId: 'tenant_a',
      webhookId: `msg_${blobId}`,
      url: 'https://hooks.example.com/',
      eventType: 'blob.labels_detected' as const,
      payload: '{}',
      now: new Date(now),
    });
    await store.create(delivery('old', '2026-08-01T00:00:00.000Z'));
    await store.create(delivery('recent', '2026-11-01T00:00:00.000Z'));
    const deletedAt = '2026-08-02T00:00:00.000Z';
    await store.markDeleted('old_deleted', { tenantId: 'tenant_a', deletedAt, now: new Date(deletedAt) });

    expect(store.deleteCreatedBefore(new Date('2026-09-01T00:00:00.000Z'))).toBe(2);

    expect(await store.get('old')).toBeUndefined();
    expect(await store.get('old_deleted')).toBeUndefined();
    expect(await store.get('recent')).toMatchObject({ status: 'pending' });
  });
});
