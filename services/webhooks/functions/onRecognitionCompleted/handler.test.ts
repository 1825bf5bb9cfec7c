import { describe, expect, it } from '@jest/globals';
import { EventSchemaError, buildLogger, webhookIdForBlob, type BusEvent } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import type { Context } from 'aws-lambda';
import { buildSqliteDeliveryStore } from '../../src/adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import type { DeliveryMessage } from '../../src/delivery/delivery.js';
import type { EnqueueDeps } from '../../src/enqueueDelivery/enqueueDelivery.js';
import { TEST_TENANT_ID, labelsDetected, recognitionFailed } from '../../src/testing/outcomeEvents.js';
import { buildHandler } from './handler.js';

const context = {} as Context;

/** The store is the real SQLite adapter in memory; the queue only records what it is sent. */
const setup = () => {
  const sent: DeliveryMessage[] = [];
  const deps: EnqueueDeps = {
    store: buildSqliteDeliveryStore(openDatabase(':memory:')),
    queue: {
      send: async (message) => {
        sent.push(message);
      },
      retryLater: async () => undefined,
      deadLetter: async () => undefined,
    },
    now: () => new Date('2026-11-27T12:00:04.000Z'),
    log: buildLogger({}, { write: () => undefined }),
  };
  return { deps, sent, handler: buildHandler(() => deps) };
};

describe('onRecognitionCompleted', () => {
  it("saves the signed-to-be message once, as the blob's tenant's, and queues its delivery", async () => {
    const { deps, sent, handler } = setup();
    await handler(labelsDetected('blob_1', 'https://hooks.example.com/imgrec', 'tenant_a'), context);

    expect(sent).toEqual([{ blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1'), tenant_id: 'tenant_a' }]);
    const delivery = await deps.store.get('blob_1');
    expect(delivery).toMatchObject({
      tenantId: 'tenant_a',
      webhookId: webhookIdForBlob('blob_1'),
      url: 'https://hooks.example.com/imgrec',
      eventType: 'blob.labels_detected',
      status: 'pending',
      attempts: 0,
    });
    expect(JSON.parse(delivery?.payload ?? '')).toMatchObject({
      type: 'blob.labels_detected',
      timestamp: '2026-11-27T12:00:03.000Z',
      data: { blob_id: 'blob_1', status: 'succeeded', callback: { status: 'pending', attempts: 0 } },
    });
  });

  it('queues a failed recognition as blob.recognition_failed', async () => {
    const { deps, handler } = setup();
    await handler(recognitionFailed('blob_1', 'https://hooks.example.com/'), context);
    expect(await deps.store.get('blob_1')).toMatchObject({ eventType: 'blob.recognition_failed' });
  });

  it('queues nothing more for a duplicated event or a second outcome of the same blob', async () => {
    const { sent, handler, deps } = setup();
    await handler(labelsDetected('blob_1', 'https://hooks.example.com/'), context);
    await deps.store.claim('blob_1', { messageId: 'm1', now: new Date() });
    await handler(labelsDetected('blob_1', 'https://hooks.example.com/'), context);
    await handler(recognitionFailed('blob_1', 'https://hooks.example.com/'), context);
    expect(sent).toHaveLength(1);
  });

  it('queues again when the first message may have been lost between saving and queueing', async () => {
    const { sent, handler, deps } = setup();
    const send = deps.queue.send;
    let failures = 1;
    deps.queue = {
      ...deps.queue,
      send: async (message) => {
        if (failures-- > 0) throw new Error('queue unavailable');
        await send(message);
      },
    };
    await expect(handler(labelsDetected('blob_1', 'https://hooks.example.com/'), context)).rejects.toThrow(
      'queue unavailable',
    );
    // EventBridge retries the event; the delivery exists but never had an attempt.
    await handler(labelsDetected('blob_1', 'https://hooks.example.com/'), context);
    expect(sent).toEqual([{ blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1'), tenant_id: TEST_TENANT_ID }]);
  });

  it('ignores an outcome without a callback_url', async () => {
    const { deps, sent, handler } = setup();
    await handler(labelsDetected('blob_1', undefined), context);
    expect(sent).toEqual([]);
    expect(await deps.store.get('blob_1')).toBeUndefined();
  });

  it('throws on an event that does not match the catalogue, so EventBridge retries and dead-letters it', async () => {
    const { handler } = setup();
    const forged = { ...labelsDetected('blob_1', 'https://hooks.example.com/'), source: 'imgrec.uploads' } as BusEvent;
    await expect(handler(forged, context)).rejects.toBeInstanceOf(EventSchemaError);
    const broken = labelsDetected('blob_1', 'https://hooks.example.com/');
    await expect(
      handler({ ...broken, detail: { ...broken.detail, labels: 'dog' } } as never, context),
    ).rejects.toBeInstanceOf(EventSchemaError);
    const { tenant_id: _missing, ...withoutTenant } = broken.detail;
    await expect(handler({ ...broken, detail: withoutTenant } as never, context)).rejects.toBeInstanceOf(
      EventSchemaError,
    );
  });
});
