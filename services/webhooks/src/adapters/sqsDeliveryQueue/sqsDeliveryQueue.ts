import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { MAX_RETRY_DELAY_SECONDS } from '../../config.js';
import type { DeadLetterQueue, DeliveryQueue } from '../../ports.js';

export interface SqsDeliveryQueueConfig {
  /** IMGREC_DELIVERY_QUEUE_URL: DeliveryQueue in serverless.yml. */
  queueUrl: string;
  /** IMGREC_DELIVERY_DLQ_URL: DeliveryDLQ, its dead-letter queue. */
  deadLetterQueueUrl: string;
}

/**
 * The longest hide retryLater asks for. SQS refuses a visibility timeout that would end more than 12 hours after
 * the message was received, and the call comes up to a function timeout (30 s) after that; a minute of margin
 * keeps the call valid. A longer delay is cut short: the message comes back early and deliverCallback hides it
 * again for the rest (an "early" claim), at the cost of one more receive.
 */
export const MAX_VISIBILITY_DELAY_SECONDS = MAX_RETRY_DELAY_SECONDS - 60;

/**
 * The delivery queue on SQS (aws mode). Retries use the received message's visibility (ChangeMessageVisibility),
 * so the message keeps its id and receive count; a message whose schedule is used up is copied to the DLQ, and the
 * event source mapping deletes it from the queue once deliverCallback reports it processed.
 */
export const buildSqsDeliveryQueue = (client: SQSClient, config: SqsDeliveryQueueConfig): DeliveryQueue => ({
  send: async (message) => {
    await client.send(new SendMessageCommand({ QueueUrl: config.queueUrl, MessageBody: JSON.stringify(message) }));
  },
  retryLater: async (receiptHandle, delaySeconds) => {
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: config.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(delaySeconds, MAX_VISIBILITY_DELAY_SECONDS),
      }),
    );
  },
  deadLetter: async (message) => {
    await client.send(new SendMessageCommand({ QueueUrl: config.deadLetterQueueUrl, MessageBody: message.body }));
  },
});

/** How a pass over the DLQ receives it: how long it hides each message, and at most how many receives it makes. */
interface Pass {
  visibilitySeconds: number;
  maxReceives: number;
}

// Long enough for one redrive pass over the DLQ; messages the pass leaves are made visible again at its end.
const REDRIVE_PASS: Pass = { visibilitySeconds: 300, maxReceives: Number.POSITIVE_INFINITY };

/**
 * A delete's pass, inside onBlobDeleted (timeout 30 s): up to 500 messages, far more than a healthy DLQ holds, each
 * hidden for less time than a redrive's pass would hide it if the function died before giving the others back. The
 * bound is safe because the blob's tombstone already keeps any message it misses from being sent; the rest expire
 * with the queue's retention.
 */
export const DELETE_PASS: Pass = { visibilitySeconds: 60, maxReceives: 50 };

// SQS's batch limit for receives and visibility changes.
const BATCH = 10;

/**
 * The delivery DLQ on SQS (aws mode), for a redrive and for onBlobDeleted. SQS has no way to list a queue, so each
 * call receives the messages (hiding each one for the pass), then gives back those it does not move or delete; a
 * message moved back is sent to the delivery queue before it is deleted from the DLQ, so a failure in between leaves
 * a copy, which deliverCallback drops, never a lost message. Needs sqs:ReceiveMessage, sqs:DeleteMessage and
 * sqs:ChangeMessageVisibility on the DLQ, and (to move back) sqs:SendMessage on the delivery queue.
 */
export const buildSqsDeadLetterQueue = (client: SQSClient, config: SqsDeliveryQueueConfig): DeadLetterQueue => {
  const receiveAll = async (pass: Pass): Promise<Message[]> => {
    const received = new Map<string, Message>();
    for (let receives = 0; receives < pass.maxReceives; receives += 1) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: config.deadLetterQueueUrl,
          MaxNumberOfMessages: BATCH,
          VisibilityTimeout: pass.visibilitySeconds,
          // Any wait makes SQS look on all its servers; without one an empty answer may miss messages.
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      const fresh = Messages.filter((message) => message.MessageId && !received.has(message.MessageId));
      // Empty, or only messages seen already (the pass outlived their hiding): every message has been seen.
      if (fresh.length === 0) break;
      for (const message of fresh) received.set(message.MessageId as string, message);
    }
    const sentAt = (message: Message) => Number(message.Attributes?.SentTimestamp ?? 0);
    return [...received.values()].sort((a, b) => sentAt(a) - sentAt(b));
  };

  // Best effort: a message whose release fails shows up again anyway when the pass's hiding ends.
  const release = async (messages: Message[]) => {
    for (let start = 0; start < messages.length; start += BATCH) {
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: config.deadLetterQueueUrl,
          Entries: messages.slice(start, start + BATCH).map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  };

  return {
    list: async () => {
      const messages = await receiveAll(REDRIVE_PASS);
      await release(messages);
      return messages.map((message) => message.Body ?? '');
    },

    moveBack: async (select) => {
      const moved: string[] = [];
      const kept: Message[] = [];
      for (const message of await receiveAll(REDRIVE_PASS)) {
        const body = message.Body ?? '';
        if (!select(body)) {
          kept.push(message);
          continue;
        }
        await client.send(new SendMessageCommand({ QueueUrl: config.queueUrl, MessageBody: body }));
        await client.send(
          new DeleteMessageCommand({ QueueUrl: config.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        moved.push(body);
      }
      await release(kept);
      return moved;
    },

    deleteWhere: async (select) => {
      let deleted = 0;
      const kept: Message[] = [];
      for (const message of await receiveAll(DELETE_PASS)) {
        if (!select(message.Body ?? '')) {
          kept.push(message);
          continue;
        }
        await client.send(
          new DeleteMessageCommand({ QueueUrl: config.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        deleted += 1;
      }
      await release(kept);
      return deleted;
    },
  };
};
