import type { LocalQueues } from '@imgrec/shared/local';
import type { DeadLetterQueue, DeliveryQueue } from '../../ports.js';

/** The local queue names of the webhooks service, `<service>.<logical id>` as in its serverless.yml. */
export const LOCAL_DELIVERY_QUEUES = {
  queue: 'webhooks.DeliveryQueue',
  deadLetterQueue: 'webhooks.DeliveryDLQ',
} as const;

export interface LocalDeliveryQueueConfig {
  queue: string;
  deadLetterQueue: string;
}

/** The delivery queue on the local SQLite queues (local mode). */
export const buildLocalDeliveryQueue = (
  queues: LocalQueues,
  config: LocalDeliveryQueueConfig = LOCAL_DELIVERY_QUEUES,
): DeliveryQueue => ({
  send: async (message) => {
    queues.send(config.queue, JSON.stringify(message));
  },
  retryLater: async (receiptHandle, delaySeconds) => {
    queues.changeVisibility(config.queue, receiptHandle, delaySeconds);
  },
  // One atomic move: the message cannot be both in the DLQ and still in the queue.
  deadLetter: async (message) => {
    queues.moveReceived(config.queue, message.receiptHandle, config.deadLetterQueue);
  },
});

/** The delivery DLQ on the local SQLite queues, for the redrive command and onBlobDeleted. */
export const buildLocalDeadLetterQueue = (
  queues: LocalQueues,
  config: LocalDeliveryQueueConfig = LOCAL_DELIVERY_QUEUES,
): DeadLetterQueue => ({
  list: async () => queues.peek(config.deadLetterQueue).map((message) => message.body),
  moveBack: async (select) => queues.redrive(config.deadLetterQueue, config.queue, select),
  deleteWhere: async (select) => queues.deleteWhere(config.deadLetterQueue, select),
});
