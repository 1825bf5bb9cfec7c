import { describe, expect, it } from '@jest/globals';
import { LocalQueues, openDatabase } from '@imgrec/shared/local';
import { LOCAL_DELIVERY_QUEUES } from './adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from './adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import { sweepExpiredDeliveries } from './retentionLocal.js';

const DAY_MS = 86_400_000;
const { queue: QUEUE, deadLetterQueue: DLQ } = LOCAL_DELIVERY_QUEUES;

/** The webhooks service's share of a local data dir, in memory, on a fake clock that the queues share. */
const setup = () => {
  let nowMs = Date.parse('2027-01-01T00:00:00.000Z');
  const db = openDatabase(':memory:');
  const queues = new LocalQueues(openDatabase(':memory:'), [], () => nowMs);
  const store = buildSqliteDeliveryStore(db);
  const platform = { queues, openServiceDb: () => db };
  return {
    store,
    queues,
    now: () => new Date(nowMs),
    advanceDays: (days: number) => {
      nowMs += days * DAY_MS;
    },
    /** A delivery for the blob, created now, and its message dead-lettered now. */
    deadLetteredDelivery: async (blobId: string) => {
      await store.create({
        blobId,
        tenantId: 'tenant_a',
        webhookId: `msg_${blobId}`,
        url: 'https://hooks.example.com/',
        eventType: 'blob.labels_detected',
        payload: '{}',
        now: new Date(nowMs),
      });
      queues.send(DLQ, JSON.stringify({ blob_id: blobId, webhook_id: `msg_${blobId}` }));
    },
    sweep: (recordRetentionDays: number) => sweepExpiredDeliveries(platform, recordRetentionDays, new Date(nowMs)),
  };
};

describe('the local retention sweep of the webhooks service', () => {
  it('deletes the deliveries, tombstones and DLQ entries older than the record retention, and keeps the rest', async () => {
    // Prepare
    const data = setup();
    await data.deadLetteredDelivery('old');
    await data.store.markDeleted('deleted', {
      tenantId: 'tenant_a',
      deletedAt: data.now().toISOString(),
      now: data.now(),
    });
    data.queues.send(QUEUE, JSON.stringify({ blob_id: 'old', webhook_id: 'msg_old' }));
    data.advanceDays(60);
    await data.deadLetteredDelivery('recent');
    data.advanceDays(31);

    // Act
    const deleted = data.sweep(90);

    // Assess
    expect(deleted).toBe(3);
    expect(await data.store.get('old')).toBeUndefined();
    expect(await data.store.get('deleted')).toBeUndefined();
    expect(await data.store.get('recent')).toMatchObject({ status: 'pending' });
    expect(data.queues.peek(DLQ).map((message) => JSON.parse(message.body).blob_id)).toEqual(['recent']);
    // The delivery queue is not the sweep's: a message left there for a swept delivery is dropped when it comes up.
    expect(data.queues.peek(QUEUE)).toHaveLength(1);
  });

  it('deletes nothing before the retention has passed, and counts fractions of a day', async () => {
    // Prepare
    const data = setup();
    await data.deadLetteredDelivery('blob_1');
    data.advanceDays(1 / 86_400);

    // Act
    const early = data.sweep(2 / 86_400);
    data.advanceDays(2 / 86_400);
    const due = data.sweep(2 / 86_400);

    // Assess
    expect(early).toBe(0);
    expect(due).toBe(2);
    expect(await data.store.get('blob_1')).toBeUndefined();
  });
});
