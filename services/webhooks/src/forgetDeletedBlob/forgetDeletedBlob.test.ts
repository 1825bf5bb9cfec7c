import { describe, expect, it } from '@jest/globals';
import { parseBusEvent, webhookIdForBlob, type EventDetail } from '@imgrec/shared';
import { LOCAL_DELIVERY_QUEUES } from '../adapters/localDeliveryQueue/localDeliveryQueue.js';
import { redriveDeliveries } from '../redriveDeliveries/redriveDeliveries.js';
import { buildDeliveryLoop } from '../testing/buildDeliveryLoop.js';
import { TEST_TENANT_ID, blobDeleted, labelsDetected } from '../testing/outcomeEvents.js';
import { testReceivers, type Respond } from '../testing/startTestReceiver.js';
import { forgetDeletedBlob } from './forgetDeletedBlob.js';

const answers =
  (...statuses: number[]): Respond =>
  (_request, index, response) =>
    response.writeHead(statuses[Math.min(index, statuses.length - 1)] ?? 204).end();

/** The detail of a BlobDeleted for the test tenant's blob, as onBlobDeleted hands it over. */
const deletionOf = (blobId: string): EventDetail<'BlobDeleted'> => {
  const event = parseBusEvent(blobDeleted(blobId));
  if (event.detailType !== 'BlobDeleted') throw new Error('not a BlobDeleted');
  return event.detail;
};

const TOMBSTONE = {
  blobId: 'blob_1',
  tenantId: TEST_TENANT_ID,
  status: 'deleted',
  deletedAt: '2026-11-27T12:00:05.000Z',
};

// Each test runs the service as in local mode (real SQLite store, queues and DLQ, a receiver on 127.0.0.1), with
// the delivery queue run through deliverMessage as deliverCallback does, jumping the clock to each retry.
describe('forgetDeletedBlob', () => {
  const { start, logs } = testReceivers();

  it('cancels a pending callback: its next attempt is dropped unsent and no outcome is announced', async () => {
    // Prepare
    const { origin, requests } = await start(answers(500, 204));
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await loop.runVisible();
    expect(requests).toHaveLength(1);

    // Act
    await forgetDeletedBlob(deletionOf('blob_1'), loop.deps);
    await loop.runUntilIdle();

    // Assess
    expect(requests).toHaveLength(1);
    expect(loop.published).toEqual([]);
    expect(loop.depth()).toEqual({ queue: 0, dlq: 0 });
    // Neither the message nor where it would have gone outlives the delete.
    expect(await loop.deps.store.get('blob_1')).toStrictEqual({
      ...TOMBSTONE,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(logs().lines).toContainEqual(
      expect.objectContaining({
        message: 'delivery forgotten',
        blob_id: 'blob_1',
        tenant_id: TEST_TENANT_ID,
        status_before: 'pending',
      }),
    );
    expect(logs().lines).toContainEqual(
      expect.objectContaining({ message: 'dropping a delivery message of a deleted blob', blob_id: 'blob_1' }),
    );
  });

  it('leaves a tombstone for a blob deleted before its outcome, which then sends nothing', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();

    // Act
    await forgetDeletedBlob(deletionOf('blob_1'), loop.deps);
    const outcome = await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await loop.runUntilIdle();

    // Assess
    expect(outcome).toBe('blob_deleted');
    expect(requests).toEqual([]);
    expect(loop.published).toEqual([]);
    expect(await loop.deps.store.get('blob_1')).toMatchObject(TOMBSTONE);
  });

  it("removes the blob's dead-lettered messages and leaves the other blobs' for a redrive", async () => {
    // Prepare
    const { origin } = await start(answers(503));
    const loop = await buildDeliveryLoop({ retrySchedule: [] });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await loop.enqueue(labelsDetected('blob_2', `${origin}/`));
    await loop.runUntilIdle();
    expect(loop.depth()).toEqual({ queue: 0, dlq: 2 });

    // Act
    await forgetDeletedBlob(deletionOf('blob_1'), loop.deps);

    // Assess
    expect((await loop.deps.deadLetters.list()).map((body) => JSON.parse(body).blob_id)).toEqual(['blob_2']);
    expect(logs().lines).toContainEqual(
      expect.objectContaining({ message: 'dead-lettered delivery messages removed', blob_id: 'blob_1', removed: 1 }),
    );
  });

  it('never resends a dead-lettered message the DLQ pass missed, even when it is redriven', async () => {
    // Prepare
    const { origin, requests } = await start(answers(503, 204));
    const loop = await buildDeliveryLoop({ retrySchedule: [] });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await loop.runUntilIdle();
    await forgetDeletedBlob(deletionOf('blob_1'), loop.deps);
    // A copy the pass did not see (another consumer held it), back in the DLQ.
    const missed = { blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1'), tenant_id: TEST_TENANT_ID };
    loop.queues.send(LOCAL_DELIVERY_QUEUES.deadLetterQueue, JSON.stringify(missed));

    // Act
    const report = await redriveDeliveries(loop.deps);
    await loop.runUntilIdle();

    // Assess
    expect(report).toEqual({ replayed: [], notResent: [missed], unreadable: [] });
    expect(requests).toHaveLength(1);
    expect(loop.published.map((event) => event.detailType)).toEqual(['CallbackFailed']);
    expect(loop.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  it('changes nothing more when the BlobDeleted comes again', async () => {
    // Prepare
    const { origin } = await start();
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await forgetDeletedBlob(deletionOf('blob_1'), loop.deps);
    const tombstone = await loop.deps.store.get('blob_1');
    loop.advance(60);

    // Act
    await forgetDeletedBlob(deletionOf('blob_1'), loop.deps);

    // Assess
    expect(await loop.deps.store.get('blob_1')).toStrictEqual(tombstone);
    expect(logs().lines.at(-1)).toEqual(
      expect.objectContaining({ message: 'delivery already forgotten', blob_id: 'blob_1', tenant_id: TEST_TENANT_ID }),
    );
  });
});
