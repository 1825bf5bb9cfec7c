import { describe, expect, it } from '@jest/globals';
import { parseBusEvent, webhookIdForBlob, type BusEvent } from '@imgrec/shared';
import { buildEventTargetDeps } from '../testing/buildEventTargetDeps.js';
import { logsPerTest } from '../testing/logsPerTest.js';
import { TEST_TENANT_ID, labelsDetected, recognitionFailed } from '../testing/outcomeEvents.js';
import { enqueueDelivery } from './enqueueDelivery.js';

const CALLBACK_URL = 'https://hooks.example.com/imgrec';

/** enqueueDelivery over the real SQLite store and local queue, in memory. */
const setup = () => {
  const { deps, queued } = buildEventTargetDeps();
  return { deps, queued, enqueue: (event: BusEvent) => enqueueDelivery(parseBusEvent(event), deps) };
};

describe('enqueueDelivery', () => {
  logsPerTest();

  it("saves the message to sign once, as the blob's tenant's, and queues its delivery", async () => {
    // Prepare
    const { deps, enqueue, queued } = setup();

    // Act
    const result = await enqueue(labelsDetected('blob_1', CALLBACK_URL, 'tenant_a'));

    // Assess
    expect(result).toBe('queued');
    expect(queued()).toEqual([{ blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1'), tenant_id: 'tenant_a' }]);
    const delivery = await deps.store.get('blob_1');
    expect(delivery).toMatchObject({
      tenantId: 'tenant_a',
      webhookId: webhookIdForBlob('blob_1'),
      url: CALLBACK_URL,
      eventType: 'blob.labels_detected',
      status: 'pending',
      attempts: 0,
    });
    const payload = delivery?.status === 'pending' ? delivery.payload : '';
    expect(JSON.parse(payload)).toMatchObject({
      type: 'blob.labels_detected',
      timestamp: '2026-11-27T12:00:03.000Z',
      data: { blob_id: 'blob_1', status: 'succeeded', callback: { status: 'pending', attempts: 0 } },
    });
  });

  it('queues a failed recognition as blob.recognition_failed', async () => {
    // Prepare
    const { deps, enqueue } = setup();

    // Act
    await enqueue(recognitionFailed('blob_1', CALLBACK_URL));

    // Assess
    expect(await deps.store.get('blob_1')).toMatchObject({ eventType: 'blob.recognition_failed' });
  });

  it('queues nothing more for a duplicated event or a second outcome of the same blob', async () => {
    // Prepare
    const { deps, enqueue, queued } = setup();
    await enqueue(labelsDetected('blob_1', CALLBACK_URL));
    await deps.store.claim('blob_1', { messageId: 'm1', now: new Date() });

    // Act
    const results = [
      await enqueue(labelsDetected('blob_1', CALLBACK_URL)),
      await enqueue(recognitionFailed('blob_1', CALLBACK_URL)),
    ];

    // Assess
    expect(results).toEqual(['already_queued', 'already_queued']);
    expect(queued()).toHaveLength(1);
  });

  it('queues again when the first message may have been lost between saving and queueing', async () => {
    // Prepare
    const { deps, enqueue, queued } = setup();
    const send = deps.queue.send;
    let failures = 1;
    deps.queue = {
      ...deps.queue,
      send: async (message) => {
        if (failures-- > 0) throw new Error('queue unavailable');
        await send(message);
      },
    };
    await expect(enqueue(labelsDetected('blob_1', CALLBACK_URL))).rejects.toThrow('queue unavailable');

    // Act
    // EventBridge retries the event; the delivery exists but never had an attempt.
    const result = await enqueue(labelsDetected('blob_1', CALLBACK_URL));

    // Assess
    expect(result).toBe('queued');
    expect(queued()).toEqual([
      { blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1'), tenant_id: TEST_TENANT_ID },
    ]);
  });

  it('ignores an outcome without a callback_url', async () => {
    // Prepare
    const { deps, enqueue, queued } = setup();

    // Act
    const result = await enqueue(labelsDetected('blob_1', undefined));

    // Assess
    expect(result).toBe('no_callback');
    expect(queued()).toEqual([]);
    expect(await deps.store.get('blob_1')).toBeUndefined();
  });
});
