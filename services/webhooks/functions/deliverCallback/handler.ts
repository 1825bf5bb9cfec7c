import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { publishMetrics, runtimeMode, type RuntimeMode } from '@imgrec/shared';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { readDeliveryMessage } from '../../src/delivery/delivery.js';
import { deliverMessage, type DeliverMessageDeps } from '../../src/deliverMessage/deliverMessage.js';
import { emf, logger } from '../../src/observability.js';
import { webhooksRuntime } from '../../src/runtime.js';

/** The blob and tenant a delivery message names, for its log lines; none for a body that is not one. */
const correlationOf = (body: string): Record<string, string> => {
  const message = readDeliveryMessage(body);
  if (!message) return {};
  return { blob_id: message.blob_id, ...(message.tenant_id !== undefined && { tenant_id: message.tenant_id }) };
};

/**
 * SQS consumer of the delivery queue (ReportBatchItemFailures, through Powertools Batch). Every record gets one
 * attempt, all in parallel, each logging with its blob_id and tenant_id. A record left for a retry is reported as a
 * batch item failure, so SQS keeps it hidden for the delay deliverMessage set and brings it back then; a record that
 * throws is reported too and comes back after the queue's visibility timeout.
 */
export const buildHandler = (deps: () => DeliverMessageDeps | Promise<DeliverMessageDeps>, mode: RuntimeMode) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics(emf, mode))
    .handler(async (event, context) => {
      const wiring = await deps();
      const deliver = async (record: SQSRecord): Promise<void> => {
        const log = wiring.log.createChild({ persistentKeys: correlationOf(record.body) });
        const message = { messageId: record.messageId, receiptHandle: record.receiptHandle, body: record.body };
        let outcome;
        try {
          outcome = await deliverMessage(message, { ...wiring, log });
        } catch (error) {
          log.error('delivery message failed', { message_id: record.messageId, error });
          throw error;
        }
        // Not a failure: the message was hidden until its next attempt, and must stay in the queue until then.
        if (outcome === 'retry') throw new Error(`message ${record.messageId} waits for its next attempt`);
      };
      return processPartialResponse(event, deliver, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    });

export const handler = buildHandler(webhooksRuntime, runtimeMode());
