import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  parseBusEvent,
  publishMetrics,
  runtimeMode,
  type BusEvent,
  type EventDetail,
  type RuntimeMode,
} from '@imgrec/shared';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { emf, logger } from '../../src/observability.js';
import type { RecognitionDeps } from '../../src/ports.js';
import { recognizeBlob } from '../../src/recognizeBlob/recognizeBlob.js';
import { recognitionRuntime } from '../../src/runtime.js';

export type OnBlobCreatedDeps = Pick<
  RecognitionDeps,
  'readImageHead' | 'recognizer' | 'publisher' | 'log' | 'metrics' | 'now' | 'maxAttempts'
>;

/**
 * The BlobCreated event a queue message carries.
 * @throws when the body is not JSON, or not a valid BlobCreated event.
 */
const blobCreatedIn = (record: SQSRecord): EventDetail<'BlobCreated'> => {
  const busEvent = parseBusEvent(JSON.parse(record.body) as BusEvent);
  if (busEvent.detailType !== 'BlobCreated') throw new Error(`unexpected ${busEvent.detailType}`);
  return busEvent.detail;
};

/**
 * BlobCreated, buffered through the recognition queue so concurrency stays under the recognizer's limit. Each
 * record succeeds or fails on its own (a partial batch response, through Powertools Batch): a record to retry
 * throws. A malformed message is a bug, logged and dropped. Every line about a record carries its blob_id and
 * tenant_id.
 */
export const buildHandler = (deps: () => OnBlobCreatedDeps | Promise<OnBlobCreatedDeps>, mode: RuntimeMode) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics(emf, mode))
    .handler(async (event, context) => {
      const wiring = await deps();
      const recognize = async (record: SQSRecord): Promise<void> => {
        let blob: EventDetail<'BlobCreated'>;
        try {
          blob = blobCreatedIn(record);
        } catch (error) {
          wiring.log.error('malformed recognition message dropped', { message_id: record.messageId, error });
          return;
        }
        const log = wiring.log.createChild({ persistentKeys: { blob_id: blob.blob_id, tenant_id: blob.tenant_id } });
        const attempt = Number(record.attributes.ApproximateReceiveCount);
        try {
          await recognizeBlob(blob, { isLast: attempt >= wiring.maxAttempts }, { ...wiring, log });
        } catch (error) {
          log.warn('recognition will be retried', { attempt, error });
          throw error;
        }
      };
      return processPartialResponse(event, recognize, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    });

export const handler = buildHandler(recognitionRuntime, runtimeMode());

/** Loads the model before the first message, so /health turns green only when recognition can run. */
export const init = async (): Promise<void> => {
  await (await recognitionRuntime()).ready();
};
