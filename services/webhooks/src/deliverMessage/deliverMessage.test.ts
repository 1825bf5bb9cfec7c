import { describe, expect, it } from '@jest/globals';
import { reduceBlobView, webhookIdForBlob, type DomainEvent } from '@imgrec/shared';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { MissingWebhookSecretError } from '../buildSignerFor/buildSignerFor.js';
import { redriveDeliveries } from '../redriveDeliveries/redriveDeliveries.js';
import { buildDeliveryLoop } from '../testing/buildDeliveryLoop.js';
import { TEST_TENANT_ID, labelsDetected, recognitionFailed } from '../testing/outcomeEvents.js';
import { testReceivers, type ReceivedRequest, type Respond } from '../testing/startTestReceiver.js';
import { deliverMessage } from './deliverMessage.js';

const signatureHeaders = (headers: IncomingHttpHeaders): Record<string, string> => ({
  'webhook-id': String(headers['webhook-id']),
  'webhook-timestamp': String(headers['webhook-timestamp']),
  'webhook-signature': String(headers['webhook-signature']),
});

/** Verifies a received request with the standardwebhooks package, as any receiver would. */
const verified = (secret: string, request: ReceivedRequest | undefined) => {
  if (!request) throw new Error('no request received');
  return new Webhook(secret).verify(request.body, signatureHeaders(request.headers));
};

const answers =
  (...statuses: (number | [number, Record<string, string>])[]): Respond =>
  (_request, index, response) => {
    const answer = statuses[Math.min(index, statuses.length - 1)] ?? 204;
    const [status, headers] = Array.isArray(answer) ? answer : [answer, {}];
    response.writeHead(status, headers).end();
  };

const callbackEvents = (published: DomainEvent[]) =>
  published.map((event) => ({ detailType: event.detailType, ...event.detail }));

// Each test queues deliveries as onRecognitionCompleted does, then runs the delivery queue through deliverMessage
// (real SQLite store and queues, a real receiver on 127.0.0.1), jumping the clock to each retry.
describe('deliverMessage', () => {
  const { start } = testReceivers();

  it('delivers one signed message whose data is the GET body of the outcome, and announces it', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    const event = labelsDetected('blob_1', `${origin}/hooks/imgrec`);
    await loop.enqueue(event);

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe('/hooks/imgrec');
    expect(verified(loop.secret, requests[0])).toEqual({
      type: 'blob.labels_detected',
      timestamp: event.detail.completed_at,
      data: reduceBlobView(
        undefined,
        { detailType: 'LabelsDetected', detail: event.detail },
        event.detail.completed_at,
      ),
    });
    expect(requests[0]?.headers['webhook-id']).toBe(webhookIdForBlob('blob_1'));
    expect(callbackEvents(loop.published)).toEqual([
      {
        detailType: 'CallbackDelivered',
        blob_id: 'blob_1',
        tenant_id: TEST_TENANT_ID,
        webhook_id: webhookIdForBlob('blob_1'),
        attempts: 1,
        last_attempt_at: new Date(loop.now()).toISOString(),
        last_status_code: 204,
      },
    ]);
    expect(loop.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  it('delivers a failed recognition as blob.recognition_failed', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    await loop.enqueue(recognitionFailed('blob_1', `${origin}/`));

    // Act
    await loop.runUntilIdle();

    // Assess
    expect(verified(loop.secret, requests[0])).toMatchObject({
      type: 'blob.recognition_failed',
      data: { status: 'failed', error: { code: 'unsupported_image_format' } },
    });
  });

  it('retries a receiver that fails twice on schedule, with one webhook-id, then delivers on the third attempt', async () => {
    // Prepare
    const { origin, requests } = await start(answers(500, 503, 200));
    const loop = await buildDeliveryLoop({ retrySchedule: [5, 60, 300] });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([5, 60]);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([webhookIdForBlob('blob_1')]),
    );
    // Each attempt is signed afresh, so its timestamp is current and every one verifies.
    for (const request of requests) expect(() => verified(loop.secret, request)).not.toThrow();
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackDelivered', attempts: 3, last_status_code: 200 }),
    ]);
  });

  it('jitters retries by up to 10 %, never earlier than scheduled', async () => {
    // Prepare
    const { origin } = await start(answers(500, 500, 204));
    const loop = await buildDeliveryLoop({ retrySchedule: [100, 100], random: () => 0.999 });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([110, 110]);
  });

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    // Prepare
    const { origin, requests } = await start((_request, index, response) => {
      if (index > 0) response.writeHead(204).end();
    });
    const loop = await buildDeliveryLoop({ retrySchedule: [1], timeoutMs: 200 });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    await loop.runUntilIdle();

    // Assess
    expect(requests).toHaveLength(2);
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackDelivered', attempts: 2, last_status_code: 204 }),
    ]);
  });

  it('treats a redirect as a failure and never follows it', async () => {
    // Prepare
    const { origin, requests } = await start(answers([301, { location: '/moved' }]));
    const loop = await buildDeliveryLoop({ retrySchedule: [1] });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/hook`));

    // Act
    await loop.runUntilIdle();

    // Assess
    expect(requests.map((request) => request.path)).toEqual(['/hook', '/hook']);
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackFailed', attempts: 2, last_status_code: 301 }),
    ]);
    expect(await loop.deps.store.get('blob_1')).toMatchObject({
      status: 'failed',
      lastError: 'HTTP 301 (redirects are not followed)',
    });
  });

  it('stops at a 410: no retry and no DLQ, the callback is failed', async () => {
    // Prepare
    const { origin, requests } = await start(answers(410, 204));
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackFailed', attempts: 1, last_status_code: 410 }),
    ]);
    expect(loop.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  it('honours Retry-After, capped at the next scheduled delay', async () => {
    // Prepare
    const { origin } = await start(answers([503, { 'retry-after': '2' }], [429, { 'retry-after': '3600' }], 204));
    const loop = await buildDeliveryLoop({ retrySchedule: [60, 120] });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([2, 120]);
  });

  it('dead-letters the message and announces the failure once the schedule is used up; a redrive delivers it with the same id', async () => {
    // Prepare
    let fixed = false;
    const { origin, requests } = await start((_request, _index, response) =>
      response.writeHead(fixed ? 204 : 500).end(),
    );
    const loop = await buildDeliveryLoop({ retrySchedule: [1, 1] });
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([1, 1]);
    expect(requests).toHaveLength(3);
    expect(loop.depth()).toEqual({ queue: 0, dlq: 1 });
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackFailed', attempts: 3, last_status_code: 500 }),
    ]);

    // Act
    fixed = true;
    const report = await redriveDeliveries(loop.deps);
    await loop.runUntilIdle();

    // Assess
    expect(report.replayed).toEqual([
      { blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1'), tenant_id: TEST_TENANT_ID },
    ]);
    expect(requests).toHaveLength(4);
    expect(requests[3]?.headers['webhook-id']).toBe(webhookIdForBlob('blob_1'));
    expect(() => verified(loop.secret, requests[3])).not.toThrow();
    expect(loop.depth()).toEqual({ queue: 0, dlq: 0 });
    expect(callbackEvents(loop.published)[1]).toMatchObject({
      detailType: 'CallbackDelivered',
      attempts: 4,
      last_status_code: 204,
    });
  });

  it('sends one message for a duplicated LabelsDetected, or a later second outcome', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    const event = labelsDetected('blob_1', `${origin}/`);

    // Act
    await loop.enqueue(event);
    await loop.enqueue(event);
    await loop.runUntilIdle();
    await loop.enqueue(event);
    await loop.enqueue(recognitionFailed('blob_1', `${origin}/`));
    await loop.runUntilIdle();

    // Assess
    expect(requests).toHaveLength(1);
    expect(loop.published).toHaveLength(1);
  });

  it('drops a copy of the delivery message that turns up while the delivery waits for its next attempt', async () => {
    // Prepare
    const { origin, requests } = await start(answers(500, 204));
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await loop.runVisible();
    expect(requests).toHaveLength(1);

    // Act
    await loop.deps.queue.send({ blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1') });
    await loop.runVisible();

    // Assess
    expect(requests).toHaveLength(1);
    expect(await loop.runUntilIdle()).toEqual([5]);
    expect(requests).toHaveLength(2);
    expect(callbackEvents(loop.published)).toEqual([expect.objectContaining({ attempts: 2 })]);
  });

  it('does not send again when a delivered message comes back because it was never deleted', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await loop.runVisible({ crashBeforeDelete: true });
    expect(loop.depth().queue).toBe(1);

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([180]);
    expect(requests).toHaveLength(1);
    expect(loop.published).toHaveLength(1);
  });

  it('hides a message that comes back before its next attempt is due until then', async () => {
    // Prepare
    const { origin, requests } = await start(answers(500, 204));
    const loop = await buildDeliveryLoop({ retrySchedule: [300] });
    const retryLater = loop.deps.queue.retryLater;
    let lost = 1;
    // The process dies after recording the retry but before hiding the message: it returns after the queue's
    // visibility timeout (180 s), before its attempt is due (300 s).
    loop.deps.queue = {
      ...loop.deps.queue,
      retryLater: async (receipt, seconds) => {
        if (lost-- > 0) throw new Error('process killed');
        await retryLater(receipt, seconds);
      },
    };
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([180, 120]);
    expect(requests).toHaveLength(2);
  });

  it('announces the outcome on the next receive if the bus failed after the delivery was recorded', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    const publish = loop.deps.publisher.publish;
    let failures = 1;
    loop.deps.publisher = {
      publish: async (...events) => {
        if (failures-- > 0) throw new Error('bus unavailable');
        await publish(...events);
      },
    };
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([180]);
    expect(requests).toHaveLength(1);
    expect(callbackEvents(loop.published)).toEqual([expect.objectContaining({ detailType: 'CallbackDelivered' })]);
  });

  it("signs each tenant's callbacks with that tenant's secret, and no other's", async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    const otherSecret = await loop.createSecret('tenant_other');
    await loop.enqueue(labelsDetected('blob_1', `${origin}/test`));
    await loop.enqueue(labelsDetected('blob_2', `${origin}/other`, 'tenant_other'));

    // Act
    await loop.runUntilIdle();

    // Assess
    const to = (path: string) => requests.find((request) => request.path === path);
    expect(verified(loop.secret, to('/test'))).toMatchObject({ data: { blob_id: 'blob_1' } });
    expect(verified(otherSecret, to('/other'))).toMatchObject({ data: { blob_id: 'blob_2' } });
    expect(() => verified(otherSecret, to('/test'))).toThrow();
    expect(() => verified(loop.secret, to('/other'))).toThrow();
    expect(to('/other')?.headers['webhook-signature']?.toString().split(' ')).toHaveLength(1);
    expect(callbackEvents(loop.published)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ blob_id: 'blob_1', tenant_id: TEST_TENANT_ID }),
        expect.objectContaining({ blob_id: 'blob_2', tenant_id: 'tenant_other' }),
      ]),
    );
  });

  it('signs with the old and the new secret during a rotation overlap, and with the new one alone after it', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    const old = loop.secret;
    // An overlap of one second: receivers refuse timestamps far from their clock, so the test cannot jump hours.
    const fresh = await loop.rotateSecret(TEST_TENANT_ID, 1 / 3600);
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    await loop.runUntilIdle();
    loop.advance(1);
    await loop.enqueue(labelsDetected('blob_2', `${origin}/`));
    await loop.runUntilIdle();

    // Assess
    expect(() => verified(old, requests[0])).not.toThrow();
    expect(() => verified(fresh, requests[0])).not.toThrow();
    expect(() => verified(fresh, requests[1])).not.toThrow();
    expect(() => verified(old, requests[1])).toThrow();
  });

  it('leaves a message unclaimed, with no attempt used up, while its tenant has no secret, and sends it once there is one', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`, 'tenant_new'));
    const [record] = loop.receive().Records;
    if (!record) throw new Error('nothing queued');

    // Act
    const attempt = deliverMessage(record, loop.deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(MissingWebhookSecretError);
    expect(requests).toHaveLength(0);
    expect(await loop.deps.store.get('blob_1')).toMatchObject({ status: 'pending', attempts: 0 });

    // Act
    const secret = await loop.createSecret('tenant_new');
    // Back after the queue's visibility timeout.
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([180]);
    expect(requests).toHaveLength(1);
    expect(verified(secret, requests[0])).toMatchObject({ data: { blob_id: 'blob_1' } });
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackDelivered', tenant_id: 'tenant_new', attempts: 1 }),
    ]);
  });

  it("delivers a message queued before tenants existed, signed with its delivery's tenant's secret", async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    const [queued] = loop.receive().Records;
    if (!queued) throw new Error('nothing queued');
    loop.queues.delete('webhooks.DeliveryQueue', queued.receiptHandle);
    await loop.deps.queue.send({ blob_id: 'blob_1', webhook_id: webhookIdForBlob('blob_1') });

    // Act
    await loop.runUntilIdle();

    // Assess
    expect(verified(loop.secret, requests[0])).toMatchObject({ data: { blob_id: 'blob_1' } });
  });

  it('leaves the message for later, with no attempt used up, while the signing secret cannot be read', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    const signerFor = loop.deps.signerFor;
    let failures = 1;
    loop.deps.signerFor = async (tenantId) => {
      if (failures-- > 0) throw new Error('KMSInvalidStateException');
      return signerFor(tenantId);
    };
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([180]);
    expect(requests).toHaveLength(1);
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackDelivered', attempts: 1 }),
    ]);
  });

  it("finishes a delivered callback's follow-up without asking for its tenant's secret", async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));
    await loop.runVisible({ crashBeforeDelete: true });
    loop.deps.signerFor = async () => {
      throw new Error('no secret should be needed');
    };

    // Act
    const waits = await loop.runUntilIdle();

    // Assess
    expect(waits).toEqual([180]);
    expect(requests).toHaveLength(1);
    expect(loop.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  // The one place a second message can still go out: the receiver got it, but the process died before the
  // outcome was recorded. The retry carries the same webhook-id, so the receiver can drop it.
  it('resends with the same webhook-id when the process died after sending and before recording', async () => {
    // Prepare
    const { origin, requests } = await start();
    const loop = await buildDeliveryLoop();
    const send = loop.deps.send;
    let died = false;
    loop.deps.send = async (request) => {
      const result = await send(request);
      if (!died) {
        died = true;
        throw new Error('process killed before the result was recorded');
      }
      return result;
    };
    await loop.enqueue(labelsDetected('blob_1', `${origin}/`));

    // Act
    await loop.runUntilIdle();

    // Assess
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers['webhook-id']).toBe(requests[0]?.headers['webhook-id']);
    expect(callbackEvents(loop.published)).toEqual([
      expect.objectContaining({ detailType: 'CallbackDelivered', attempts: 2 }),
    ]);
  });

  it('fails the attempt, without sending, when the callback host now resolves to loopback', async () => {
    // Prepare
    const { origin, requests } = await start();
    const port = new URL(origin).port;
    const loop = await buildDeliveryLoop({ retrySchedule: [], allowHosts: [], resolve: async () => ['127.0.0.1'] });
    await loop.enqueue(labelsDetected('blob_1', `https://hooks.example.com:${port}/`));

    // Act
    await loop.runUntilIdle();

    // Assess
    expect(requests).toHaveLength(0);
    expect(await loop.deps.store.get('blob_1')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: undefined,
      lastError: 'callback_url host resolves to a loopback address',
    });
    expect(callbackEvents(loop.published)).toEqual([
      {
        detailType: 'CallbackFailed',
        blob_id: 'blob_1',
        tenant_id: TEST_TENANT_ID,
        webhook_id: webhookIdForBlob('blob_1'),
        attempts: 1,
        last_attempt_at: expect.any(String),
      },
    ]);
  });
});
