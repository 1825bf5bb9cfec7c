import { parseBusEvent, type BusEvent, type DomainEvent } from '@imgrec/shared';
import { LocalQueues, PrometheusMetrics, openDatabase } from '@imgrec/shared/local';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import got from 'got';
import { randomBytes } from 'node:crypto';
import { buildAesGcmSecretCipher } from '../adapters/aesGcmSecretCipher/aesGcmSecretCipher.js';
import {
  buildGotCallbackSender,
  type GotCallbackSenderConfig,
} from '../adapters/gotCallbackSender/gotCallbackSender.js';
import {
  LOCAL_DELIVERY_QUEUES,
  buildLocalDeadLetterQueue,
  buildLocalDeliveryQueue,
} from '../adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from '../adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import { buildSqliteTenantSecretStore } from '../adapters/sqliteTenantSecretStore/sqliteTenantSecretStore.js';
import { buildSignerFor } from '../buildSignerFor/buildSignerFor.js';
import { deliverMessage } from '../deliverMessage/deliverMessage.js';
import { enqueueDelivery } from '../enqueueDelivery/enqueueDelivery.js';
import { logger } from '../observability.js';
import type { WebhooksDeps } from '../ports.js';
import { createTenantSecret, rotateTenantSecret } from '../tenantSecrets/tenantSecrets.js';
import { TEST_TENANT_ID } from './outcomeEvents.js';

const { queue: QUEUE, deadLetterQueue: DLQ } = LOCAL_DELIVERY_QUEUES;

export interface DeliveryLoopOptions extends Partial<GotCallbackSenderConfig> {
  retrySchedule?: readonly number[];
  /** The jitter source; 0 by default so delays are exactly the schedule. */
  random?: () => number;
  /** The queue's backstop, as in serverless.yml. */
  maxReceiveCount?: number;
  /**
   * What consumes a batch of the delivery queue: by default deliverMessage on each record, in parallel, reporting
   * the ones it left for later (or that threw) as failures, which is what the deliverCallback function does; its
   * tests pass the function itself.
   */
  deliverBatch?: (deps: WebhooksDeps) => (event: SQSEvent) => Promise<SQSBatchResponse>;
}

const deliverEachRecord =
  (deps: WebhooksDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const left = await Promise.all(
      event.Records.map(async (record) => {
        const outcome = await deliverMessage(record, deps).catch(() => 'retry' as const);
        return outcome === 'retry' ? [{ itemIdentifier: record.messageId }] : [];
      }),
    );
    return { batchItemFailures: left.flat() };
  };

/**
 * The webhooks service wired as in local mode, in memory and on a fake clock that the queue and the secrets share:
 * real SQLite stores (deliveries, and the tenants' encrypted secrets, where the test tenant of the outcome events
 * has one), real SQLite queues with their visibility timeouts and DLQ, the real got sender, real signing, Prometheus
 * counters, the service's logger, and a bus that records what is published. `runUntilIdle` plays the part of the
 * Lambda event source mapping, jumping the clock to each message's next visibility instead of waiting (tests only).
 */
export const buildDeliveryLoop = async (options: DeliveryLoopOptions = {}) => {
  const { retrySchedule, random, maxReceiveCount, deliverBatch: consumer, ...senderConfig } = options;
  let nowMs = Date.now();
  const queues = new LocalQueues(
    openDatabase(':memory:'),
    [
      {
        name: QUEUE,
        visibilityTimeoutSeconds: 180,
        deadLetter: { queue: DLQ, maxReceiveCount: maxReceiveCount ?? 10 },
      },
      { name: DLQ, visibilityTimeoutSeconds: 30 },
    ],
    () => nowMs,
  );
  const published: DomainEvent[] = [];
  const counters = new PrometheusMetrics();
  const now = () => new Date(nowMs);
  const secrets = buildSqliteTenantSecretStore(openDatabase(':memory:'), buildAesGcmSecretCipher(randomBytes(32)));
  const { webhook_secret: secret } = await createTenantSecret(secrets, TEST_TENANT_ID, { now: now() });
  const deps: WebhooksDeps = {
    store: buildSqliteDeliveryStore(openDatabase(':memory:')),
    queue: buildLocalDeliveryQueue(queues),
    deadLetters: buildLocalDeadLetterQueue(queues),
    send: buildGotCallbackSender(got, { ...senderConfig, allowHosts: senderConfig.allowHosts ?? ['127.0.0.1'] }),
    signerFor: buildSignerFor(secrets, { now }),
    publisher: {
      publish: async (...events) => {
        // What the real bus does first: a consumer parses what the publisher sent.
        for (const event of events) {
          parseBusEvent({ source: 'imgrec.webhooks', 'detail-type': event.detailType, detail: event.detail });
        }
        published.push(...events);
      },
    },
    retrySchedule: retrySchedule ?? [5, 300, 1800, 7200, 18000, 36000, 36000],
    now,
    random: random ?? (() => 0),
    log: logger,
    metrics: counters.forService('webhooks'),
  };
  const deliverBatch = (consumer ?? deliverEachRecord)(deps);

  /** Receives up to 10 visible messages, as the SQS event Lambda would get. */
  const receive = (): SQSEvent => ({
    Records: queues.receive(QUEUE, 10).map(
      (message) =>
        ({
          messageId: message.messageId,
          receiptHandle: message.receiptHandle,
          body: message.body,
          attributes: { ApproximateReceiveCount: String(message.receiveCount) },
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:local:000000000000:webhooks-DeliveryQueue',
        }) as SQSRecord,
    ),
  });

  /**
   * Runs one batch of the visible messages through the consumer and deletes the ones not reported failed,
   * unless `crashBeforeDelete`: then the process "dies" after the handler returned, and the messages come back
   * after the visibility timeout. Returns how many messages the batch had.
   */
  const runVisible = async (options: { crashBeforeDelete?: boolean } = {}): Promise<number> => {
    const event = receive();
    if (event.Records.length === 0) return 0;
    const response = await deliverBatch(event);
    if (options.crashBeforeDelete) return event.Records.length;
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    for (const record of event.Records) {
      if (!failed.has(record.messageId)) queues.delete(QUEUE, record.receiptHandle);
    }
    return event.Records.length;
  };

  return {
    deps,
    queues,
    /** The test tenant's secret. */
    secret,
    /** Gives a tenant its first secret, as `tenants create` does; returns it. */
    createSecret: async (tenantId: string) =>
      (await createTenantSecret(secrets, tenantId, { now: now() })).webhook_secret,
    /** Rotates a tenant's secret at the loop's clock; returns the new one. */
    rotateSecret: async (tenantId: string, overlapHours?: number) =>
      (await rotateTenantSecret(secrets, tenantId, { now: now(), ...(overlapHours !== undefined && { overlapHours }) }))
        .webhook_secret,
    published,
    /** The counters of what the service did, in Prometheus text. */
    counters,
    /** What onRecognitionCompleted does with an outcome event: queue its delivery. */
    enqueue: (event: BusEvent) => enqueueDelivery(parseBusEvent(event), deps),
    deliverBatch,
    receive,
    runVisible,
    now: () => nowMs,
    advance: (seconds: number) => {
      nowMs += seconds * 1000;
    },
    /** How many messages wait in the delivery queue and in its DLQ. */
    depth: () => ({ queue: queues.peek(QUEUE).length, dlq: queues.peek(DLQ).length }),
    /** Runs the queue until it is empty, jumping the clock; returns the clock jumps it made, in seconds. */
    runUntilIdle: async (maxRounds = 50): Promise<number[]> => {
      const waits: number[] = [];
      for (let round = 0; round < maxRounds; round += 1) {
        if ((await runVisible()) > 0) continue;
        const next = queues.nextVisibleAt(QUEUE);
        if (next === undefined) return waits;
        const wait = Math.max(0, next - nowMs);
        waits.push(wait / 1000);
        nowMs += wait;
      }
      throw new Error('the delivery queue did not drain');
    },
  };
};
