import { describe, expect, it } from '@jest/globals';
import { lambdaContextOf } from '@imgrec/shared/testing';
import type { SQSRecord } from 'aws-lambda';
import { buildDeliveryLoop } from '../../src/testing/buildDeliveryLoop.js';
import { TEST_TENANT_ID, labelsDetected } from '../../src/testing/outcomeEvents.js';
import { testReceivers } from '../../src/testing/startTestReceiver.js';
import { buildHandler } from './handler.js';

/** The webhooks service wired as in local mode, its delivery queue consumed by this function. */
const deliveryLoop = (options: Parameters<typeof buildDeliveryLoop>[0] = {}) =>
  buildDeliveryLoop({
    ...options,
    deliverBatch: (deps) => (event) =>
      buildHandler(() => deps, 'local')(event, lambdaContextOf('webhooks', 'deliverCallback')),
  });

const blobOf = (record: SQSRecord | undefined): string => JSON.parse(record?.body ?? '{}').blob_id;

describe('deliverCallback handler', () => {
  const { start, logs } = testReceivers();
  /** A receiver that accepts at /ok, answers 410 at /gone and fails anywhere else. */
  const okOnly = () =>
    start((request, _index, response) =>
      response.writeHead(request.path === '/ok' ? 204 : request.path === '/gone' ? 410 : 500).end(),
    );

  it('attempts a batch in parallel and reports only the records left for a retry', async () => {
    const receiver = await okOnly();
    const loop = await deliveryLoop();
    await loop.enqueue(labelsDetected('blob_ok', `${receiver.origin}/ok`));
    await loop.enqueue(labelsDetected('blob_ko', `${receiver.origin}/ko`));
    const event = loop.receive();

    const response = await loop.deliverBatch(event);

    const failing = event.Records.find((record) => blobOf(record) === 'blob_ko');
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: failing?.messageId }] });
    expect(receiver.requests.map((request) => request.path).sort()).toEqual(['/ko', '/ok']);
  });

  it('reports a message it cannot read as a batch item failure, so the queue dead-letters it in the end', async () => {
    const loop = await deliveryLoop();
    await loop.deps.queue.send({ blob_id: 'b', webhook_id: 'w' });
    const [record] = loop.receive().Records;
    if (!record) throw new Error('no record');

    const response = await loop.deliverBatch({ Records: [{ ...record, body: 'not json' }] });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(logs().lines).toMatchObject([
      { level: 'ERROR', message: 'delivery message failed', message_id: record.messageId },
    ]);
  });

  it("tags each record's log lines with its own blob and tenant, and the Lambda request", async () => {
    const receiver = await okOnly();
    const loop = await deliveryLoop();
    await loop.createSecret('tenant_b');
    await loop.enqueue(labelsDetected('blob_ok', `${receiver.origin}/ok`));
    await loop.enqueue(labelsDetected('blob_ko', `${receiver.origin}/ko`, 'tenant_b'));

    await loop.deliverBatch(loop.receive());

    const lines = logs().lines.filter((line) => line.service === 'webhooks');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'callback delivered', blob_id: 'blob_ok', tenant_id: TEST_TENANT_ID }),
        expect.objectContaining({
          message: 'callback attempt failed; will retry',
          blob_id: 'blob_ko',
          tenant_id: 'tenant_b',
          function_name: 'imgrec-webhooks-dev-deliverCallback',
        }),
      ]),
    );
    for (const line of lines) {
      expect(line).toEqual(expect.objectContaining({ blob_id: expect.any(String), tenant_id: expect.any(String) }));
    }
  });

  it('counts the attempts, deliveries, final failures and dead letters of its batches', async () => {
    const receiver = await okOnly();
    const loop = await deliveryLoop({ retrySchedule: [1] });
    await loop.enqueue(labelsDetected('blob_ok', `${receiver.origin}/ok`));
    await loop.enqueue(labelsDetected('blob_gone', `${receiver.origin}/gone`));
    await loop.enqueue(labelsDetected('blob_ko', `${receiver.origin}/ko`));

    await loop.runUntilIdle();

    // blob_ok: one attempt, delivered. blob_gone: one attempt, failed (410). blob_ko: two attempts, failed, DLQ.
    const text = await loop.counters.text();
    expect(text).toContain('imgrec_callback_attempts_total{service="webhooks"} 4');
    expect(text).toContain('imgrec_callbacks_delivered_total{service="webhooks"} 1');
    expect(text).toContain('imgrec_callbacks_failed_total{service="webhooks"} 2');
    expect(text).toContain('imgrec_callbacks_dead_lettered_total{service="webhooks"} 1');
  });
});
