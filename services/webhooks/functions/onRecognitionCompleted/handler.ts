import middy from '@middy/core';
import { parseBusEvent, type BusEvent } from '@imgrec/shared';
import { enqueueDelivery, type EnqueueDeps } from '../../src/enqueueDelivery/enqueueDelivery.js';
import { webhooksRuntime } from '../../src/runtime.js';

/**
 * EventBridge target for LabelsDetected and RecognitionFailed: queues the blob's one callback delivery. A thrown
 * error (an event that fails its schema, a store or queue failure) makes EventBridge retry and finally dead-letter
 * the event; a retry is safe, since enqueueDelivery is idempotent per blob.
 */
export const buildHandler = (deps: () => EnqueueDeps | Promise<EnqueueDeps>) =>
  middy<BusEvent>().handler(async (event) => {
    await enqueueDelivery(parseBusEvent(event), await deps());
  });

export const handler = buildHandler(webhooksRuntime);
