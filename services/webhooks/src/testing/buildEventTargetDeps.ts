import { LocalQueues, openDatabase } from '@imgrec/shared/local';
import {
  LOCAL_DELIVERY_QUEUES,
  buildLocalDeadLetterQueue,
  buildLocalDeliveryQueue,
} from '../adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from '../adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import type { DeliveryMessage } from '../delivery/delivery.js';
import { logger } from '../observability.js';
import type { WebhooksDeps } from '../ports.js';

const { queue: QUEUE, deadLetterQueue: DLQ } = LOCAL_DELIVERY_QUEUES;

const messagesOf = (queues: LocalQueues, queue: string): DeliveryMessage[] =>
  queues.peek(queue).map((message) => JSON.parse(message.body) as DeliveryMessage);

/**
 * What the service's EventBridge targets (enqueueDelivery, forgetDeletedBlob) work on, as in local mode and in
 * memory: the real SQLite delivery store, the local delivery queue and its DLQ, a stopped clock and the service's
 * logger. `queued()` and `deadLettered()` list the messages waiting in each queue (tests only).
 */
export const buildEventTargetDeps = () => {
  const queues = new LocalQueues(openDatabase(':memory:'), [
    { name: QUEUE, visibilityTimeoutSeconds: 180 },
    { name: DLQ, visibilityTimeoutSeconds: 30 },
  ]);
  const deps: Pick<WebhooksDeps, 'store' | 'queue' | 'deadLetters' | 'now' | 'log'> = {
    store: buildSqliteDeliveryStore(openDatabase(':memory:')),
    queue: buildLocalDeliveryQueue(queues),
    deadLetters: buildLocalDeadLetterQueue(queues),
    now: () => new Date('2026-11-27T12:00:04.000Z'),
    log: logger,
  };
  return {
    deps,
    queues,
    queued: () => messagesOf(queues, QUEUE),
    deadLettered: () => messagesOf(queues, DLQ),
  };
};
