import { LocalQueues, openDatabase } from '@imgrec/shared/local';
import { LOCAL_DELIVERY_QUEUES, buildLocalDeliveryQueue } from '../adapters/localDeliveryQueue/localDeliveryQueue.js';
import { buildSqliteDeliveryStore } from '../adapters/sqliteDeliveryStore/sqliteDeliveryStore.js';
import type { DeliveryMessage } from '../delivery/delivery.js';
import type { EnqueueDeps } from '../enqueueDelivery/enqueueDelivery.js';
import { logger } from '../observability.js';

/**
 * What enqueueDelivery works on, as in local mode and in memory: the real SQLite delivery store and local delivery
 * queue, a stopped clock and the service's logger; `queued()` lists the messages waiting in the queue (tests only).
 */
export const buildEnqueueDeps = () => {
  const queues = new LocalQueues(openDatabase(':memory:'), [
    { name: LOCAL_DELIVERY_QUEUES.queue, visibilityTimeoutSeconds: 180 },
  ]);
  const deps: EnqueueDeps = {
    store: buildSqliteDeliveryStore(openDatabase(':memory:')),
    queue: buildLocalDeliveryQueue(queues),
    now: () => new Date('2026-11-27T12:00:04.000Z'),
    log: logger,
  };
  const queued = (): DeliveryMessage[] =>
    queues.peek(LOCAL_DELIVERY_QUEUES.queue).map((message) => JSON.parse(message.body) as DeliveryMessage);
  return { deps, queued };
};
