import { describe, expect, it } from '@jest/globals';
import { EventSchemaError, type BusEvent } from '@imgrec/shared';
import { lambdaContextOf } from '@imgrec/shared/testing';
import { buildEventTargetDeps } from '../../src/testing/buildEventTargetDeps.js';
import { logsPerTest } from '../../src/testing/logsPerTest.js';
import { labelsDetected } from '../../src/testing/outcomeEvents.js';
import { buildHandler } from './handler.js';

const CALLBACK_URL = 'https://hooks.example.com/imgrec';

/** The function over the real SQLite store and local queue, in memory, logging with the service's logger. */
const setup = () => {
  const { deps, queued } = buildEventTargetDeps();
  const handler = buildHandler(() => deps);
  return {
    deps,
    queued,
    handle: (event: BusEvent) => handler(event, lambdaContextOf('webhooks', 'onRecognitionCompleted')),
  };
};

describe('onRecognitionCompleted handler', () => {
  const logs = logsPerTest();

  it("queues the blob's callback, logging with the event's blob and tenant and the Lambda request", async () => {
    const { deps, handle, queued } = setup();

    await handle(labelsDetected('blob_1', CALLBACK_URL, 'tenant_a'));

    expect(queued()).toHaveLength(1);
    expect(await deps.store.get('blob_1')).toMatchObject({ tenantId: 'tenant_a', status: 'pending' });
    expect(logs().lines).toEqual([
      expect.objectContaining({
        message: 'callback queued',
        blob_id: 'blob_1',
        tenant_id: 'tenant_a',
        function_name: 'imgrec-webhooks-dev-onRecognitionCompleted',
      }),
    ]);
  });

  it('keeps no blob of one invocation on the log lines of the next', async () => {
    const { deps, handle } = setup();
    await handle(labelsDetected('blob_1', CALLBACK_URL, 'tenant_a'));
    deps.log.info('between invocations');

    expect(logs().lines[1]).toEqual(expect.objectContaining({ message: 'between invocations' }));
    expect(logs().lines[1]).not.toHaveProperty('blob_id');
  });

  it('throws on an event that does not match the catalogue, so EventBridge retries and dead-letters it', async () => {
    const { handle, queued } = setup();
    const forged = { ...labelsDetected('blob_1', CALLBACK_URL), source: 'imgrec.uploads' } as BusEvent;
    await expect(handle(forged)).rejects.toBeInstanceOf(EventSchemaError);
    const broken = labelsDetected('blob_1', CALLBACK_URL);
    await expect(handle({ ...broken, detail: { ...broken.detail, labels: 'dog' } } as never)).rejects.toBeInstanceOf(
      EventSchemaError,
    );
    const { tenant_id: _missing, ...withoutTenant } = broken.detail;
    await expect(handle({ ...broken, detail: withoutTenant } as never)).rejects.toBeInstanceOf(EventSchemaError);
    expect(queued()).toEqual([]);
  });
});
