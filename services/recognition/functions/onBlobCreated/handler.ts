import middy from '@middy/core';
import { parseBusEvent, type BusEvent } from '@imgrec/shared';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recognizeBlob, type RecognizeBlobDeps } from '../../src/recognizeBlob/recognizeBlob.js';
import { recognitionRuntime } from '../../src/runtime.js';

export interface OnBlobCreatedDeps extends RecognizeBlobDeps {
  /** Receives after which a passing fault is reported as RecognitionFailed instead of retried. */
  maxAttempts: number;
}

/**
 * BlobCreated, buffered through the recognition queue so concurrency stays under the recognizer's limit. Each
 * record succeeds or fails on its own (partial batch response); a malformed message is a bug, logged and dropped.
 */
export const buildHandler = (deps: () => OnBlobCreatedDeps | Promise<OnBlobCreatedDeps>) =>
  middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const wiring = await deps();
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        let blobCreated;
        try {
          const busEvent = parseBusEvent(JSON.parse(record.body) as BusEvent);
          if (busEvent.detailType !== 'BlobCreated') throw new Error(`unexpected ${busEvent.detailType}`);
          blobCreated = busEvent.detail;
        } catch (error) {
          wiring.log.error('malformed recognition message dropped', { message_id: record.messageId, error });
          return;
        }
        try {
          const attempt = Number(record.attributes.ApproximateReceiveCount);
          await recognizeBlob(blobCreated, { isLast: attempt >= wiring.maxAttempts }, wiring);
        } catch (error) {
          wiring.log.warn('recognition will be retried', { blob_id: blobCreated.blob_id, error });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  });

export const handler = buildHandler(recognitionRuntime);

/** Loads the model before the first message, so /health turns green only when recognition can run. */
export const init = async (): Promise<void> => {
  await (await recognitionRuntime()).ready();
};
