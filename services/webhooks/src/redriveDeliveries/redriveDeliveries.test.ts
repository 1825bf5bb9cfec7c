import { describe, expect, it } from '@jest/globals';
import { webhookIdForBlob } from '@imgrec/shared';
import { buildDeliveryLoop } from '../testing/buildDeliveryLoop.js';
import { TEST_TENANT_ID, labelsDetected } from '../testing/outcomeEvents.js';
import { testReceivers } from '../testing/startTestReceiver.js';
import { redriveDeliveries } from './redriveDeliveries.js';

const message = (blobId: string, tenantId = TEST_TENANT_ID) => ({
  blob_id: blobId,
  webhook_id: webhookIdForBlob(blobId),
  tenant_id: tenantId,
});

describe('redriveDeliveries', () => {
  const { start } = testReceivers();

  /** Two deliveries dead-lettered against a receiver that fails until `fix()`. */
  const twoDeadLetters = async () => {
    let fixed = false;
    const receiver = await start((_request, _index, response) => response.writeHead(fixed ? 204 : 503).end());
    const loop = await buildDeliveryLoop({ retrySchedule: [] });
    await loop.enqueue(labelsDetected('blob_a', `${receiver.origin}/`));
    await loop.enqueue(labelsDetected('blob_b', `${receiver.origin}/`));
    await loop.runUntilIdle();
    expect(loop.depth()).toEqual({ queue: 0, dlq: 2 });
    const redrive = (blobId?: string) => redriveDeliveries(loop.deps, blobId === undefined ? {} : { blobId });
    return { loop, redrive, fix: () => (fixed = true), requests: receiver.requests };
  };

  /** A dead-lettered delivery of each of two tenants. */
  const twoTenants = async () => {
    const receiver = await start((_request, _index, response) => response.writeHead(503).end());
    const loop = await buildDeliveryLoop({ retrySchedule: [] });
    await loop.createSecret('tenant_b');
    await loop.enqueue(labelsDetected('blob_a', `${receiver.origin}/`));
    await loop.enqueue(labelsDetected('blob_b', `${receiver.origin}/`, 'tenant_b'));
    await loop.runUntilIdle();
    expect(loop.depth()).toEqual({ queue: 0, dlq: 2 });
    return {
      loop,
      redrive: (options: { blobId?: string; tenantId?: string }) => redriveDeliveries(loop.deps, options),
    };
  };

  it('replays one blob only when asked, keeping its webhook-id', async () => {
    const { loop, redrive, fix, requests } = await twoDeadLetters();
    fix();
    expect(await redrive('blob_b')).toEqual({ replayed: [message('blob_b')], notResent: [], unreadable: [] });
    expect(loop.depth()).toEqual({ queue: 1, dlq: 1 });
    await loop.runUntilIdle();
    expect(requests.at(-1)?.headers['webhook-id']).toBe(webhookIdForBlob('blob_b'));
    expect(await loop.deps.store.get('blob_b')).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(await loop.deps.store.get('blob_a')).toMatchObject({ status: 'failed' });
  });

  it('replays the whole DLQ, and a delivery that fails again goes back to the DLQ', async () => {
    const { loop, redrive } = await twoDeadLetters();
    expect((await redrive()).replayed).toEqual([message('blob_a'), message('blob_b')]);
    await loop.runUntilIdle();
    expect(loop.depth()).toEqual({ queue: 0, dlq: 2 });
    expect(loop.published.filter((event) => event.detailType === 'CallbackFailed')).toHaveLength(4);
  });

  it('moves back, without resetting, a DLQ copy of a delivery that already succeeded; nothing is sent again', async () => {
    const { loop, redrive, fix, requests } = await twoDeadLetters();
    fix();
    await redrive('blob_a');
    await loop.runUntilIdle();
    const sent = requests.length;
    // A stale copy of the delivered message lands in the DLQ (say, the queue's receive-count backstop).
    loop.queues.send('webhooks.DeliveryDLQ', JSON.stringify(message('blob_a')));
    expect(await redrive('blob_a')).toEqual({ replayed: [], notResent: [message('blob_a')], unreadable: [] });
    await loop.runUntilIdle();
    expect(requests).toHaveLength(sent);
  });

  it('leaves a message it cannot read in the DLQ and reports it', async () => {
    const { loop, redrive } = await twoDeadLetters();
    loop.queues.send('webhooks.DeliveryDLQ', 'garbage');
    const report = await redrive();
    expect(report.unreadable).toEqual(['garbage']);
    expect(loop.depth()).toEqual({ queue: 2, dlq: 1 });
  });

  it("replays one tenant's messages only when asked", async () => {
    const { loop, redrive } = await twoTenants();
    expect(await redrive({ tenantId: 'tenant_b' })).toEqual({
      replayed: [message('blob_b', 'tenant_b')],
      notResent: [],
      unreadable: [],
    });
    expect(loop.depth()).toEqual({ queue: 1, dlq: 1 });
    expect(await loop.deps.store.get('blob_a')).toMatchObject({ status: 'failed' });
  });

  it('replays a blob named with its tenant, and nothing for a blob of another tenant', async () => {
    const { loop, redrive } = await twoTenants();
    expect((await redrive({ tenantId: 'tenant_b', blobId: 'blob_a' })).replayed).toEqual([]);
    expect(loop.depth()).toEqual({ queue: 0, dlq: 2 });
    expect((await redrive({ tenantId: 'tenant_b', blobId: 'blob_b' })).replayed).toEqual([
      message('blob_b', 'tenant_b'),
    ]);
    expect(loop.depth()).toEqual({ queue: 1, dlq: 1 });
  });

  it('finds the tenant of a message queued before tenants existed in its delivery', async () => {
    const { loop, redrive } = await twoTenants();
    // The DLQ messages as releases before tenants wrote them: without tenant_id.
    const DLQ = 'webhooks.DeliveryDLQ';
    for (const dead of loop.queues.receive(DLQ, 10)) loop.queues.delete(DLQ, dead.receiptHandle);
    const legacy = (blobId: string) => ({ blob_id: blobId, webhook_id: webhookIdForBlob(blobId) });
    for (const blobId of ['blob_a', 'blob_b']) loop.queues.send(DLQ, JSON.stringify(legacy(blobId)));

    expect((await redrive({ tenantId: 'tenant_b' })).replayed).toEqual([legacy('blob_b')]);
    expect(loop.depth()).toEqual({ queue: 1, dlq: 1 });
  });
});
