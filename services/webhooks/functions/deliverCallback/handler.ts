import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverMessage } from '../../src/deliverMessage/deliverMessage.js';
import type { WebhooksDeps } from '../../src/ports.js';
import { webhooksRuntime } from '../../src/runtime.js';

/**
 * SQS consumer of the delivery queue (ReportBatchItemFailures). Every record gets one attempt, all in parallel;
 * a record left for a retry is reported as a batch item failure, so SQS keeps it hidden for the delay
 * deliverMessage set, and brings it back then. A record that throws is reported too and comes back after the
 * queue's visibility timeout.
 */
export const buildHandler = (deps: () => WebhooksDeps | Promise<WebhooksDeps>) =>
  middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const wiring = await deps();
    const outcomes = await Promise.all(
      event.Records.map(async (record) => {
        try {
          return await deliverMessage(
            { messageId: record.messageId, receiptHandle: record.receiptHandle, body: record.body },
            wiring,
          );
        } catch (error) {
          wiring.log.error('delivery message failed', { message_id: record.messageId, error });
          return 'retry' as const;
        }
      }),
    );
    return {
      batchItemFailures: event.Records.filter((_, index) => outcomes[index] === 'retry').map((record) => ({
        itemIdentifier: record.messageId,
      })),
    };
  });

export const handler = buildHandler(webhooksRuntime);
