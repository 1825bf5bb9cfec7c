import { describe, expect, it } from '@jest/globals';
import { EventSchemaError, parseBusEvent, webhookIdForBlob, type BusEvent } from '@imgrec/shared';
import { lambdaContextOf } from '@imgrec/shared/testing';
import { LOCAL_DELIVERY_QUEUES } from '../../src/adapters/localDeliveryQueue/localDeliveryQueue.js';
import { enqueueDelivery } from '../../src/enqueueDelivery/enqueueDelivery.js';
import { buildEventTargetDeps } from '../../src/testing/buildEventTargetDeps.js';
import { logsPerTest } from '../../src/testing/logsPerTest.js';
import { blobDeleted, labelsDetected } from '../../src/testing/outcomeEvents.js';
import { buildHandler } from './handler.js';

/** The function over the real SQLite store and local queues, in memory, logging with the service's logger. */
const setup = () => {
  const target = buildEventTargetDeps();
  const handler = buildHandler(() => target.deps);
  return { ...target, handle: (event: BusEvent) => handler(event, lambdaContextOf('webhooks', 'onBlobDeleted')) };
};

describe('onBlobDeleted handler', () => {
  const logs = logsPerTest();

  it("leaves a tombstone for the blob and empties the DLQ of its messages, logging with the event's blob and tenant", async () => {
    const { deps, queues, handle, deadLettered } = setup();
    await enqueueDelivery(parseBusEvent(labelsDetected('blob_1', 'https://hooks.example.com/', 'tenant_a')), deps);
    for (const blobId of ['blob_1', 'blob_2']) {
      const message = { blob_id: blobId, webhook_id: webhookIdForBlob(blobId), tenant_id: 'tenant_a' };
      queues.send(LOCAL_DELIVERY_QUEUES.deadLetterQueue, JSON.stringify(message));
    }

    await handle(blobDeleted('blob_1', 'tenant_a'));

    expect(await deps.store.get('blob_1')).toMatchObject({ status: 'deleted', tenantId: 'tenant_a' });
    expect(deadLettered().map((message) => message.blob_id)).toEqual(['blob_2']);
    expect(logs().lines).toEqual([
      expect.objectContaining({ message: 'callback queued' }),
      expect.objectContaining({
        message: 'delivery forgotten',
        blob_id: 'blob_1',
        tenant_id: 'tenant_a',
        function_name: 'imgrec-webhooks-dev-onBlobDeleted',
      }),
      expect.objectContaining({
        message: 'dead-lettered delivery messages removed',
        blob_id: 'blob_1',
        tenant_id: 'tenant_a',
        function_name: 'imgrec-webhooks-dev-onBlobDeleted',
      }),
    ]);
  });

  it('keeps no blob of one invocation on the log lines of the next', async () => {
    const { deps, handle } = setup();
    await handle(blobDeleted('blob_1'));
    deps.log.info('between invocations');

    expect(logs().lines.at(-1)).toEqual(expect.objectContaining({ message: 'between invocations' }));
    expect(logs().lines.at(-1)).not.toHaveProperty('blob_id');
  });

  it('throws on an event that is not a valid BlobDeleted, so EventBridge retries and dead-letters it', async () => {
    const { deps, handle } = setup();
    const valid = blobDeleted('blob_1');
    await expect(handle({ ...valid, source: 'imgrec.results' })).rejects.toBeInstanceOf(EventSchemaError);
    const { tenant_id: _missing, ...withoutTenant } = valid.detail;
    await expect(handle({ ...valid, detail: withoutTenant } as never)).rejects.toBeInstanceOf(EventSchemaError);
    await expect(handle(labelsDetected('blob_1', 'https://hooks.example.com/'))).rejects.toBeInstanceOf(
      EventSchemaError,
    );
    expect(await deps.store.get('blob_1')).toBeUndefined();
  });
});
