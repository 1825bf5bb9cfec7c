import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseBusEvent, type BusEvent } from '@imgrec/shared';
import { enqueueDelivery, type EnqueueDeps } from '../../src/enqueueDelivery/enqueueDelivery.js';
import { logger } from '../../src/observability.js';
import { webhooksRuntime } from '../../src/runtime.js';

/**
 * EventBridge target for LabelsDetected and RecognitionFailed: queues the blob's one callback delivery, logging with
 * the event's blob_id and tenant_id. A thrown error (an event that fails its schema, a store or queue failure) makes
 * EventBridge retry and finally dead-letter the event; a retry is safe, since enqueueDelivery is idempotent per blob.
 * It counts nothing, so it has no metrics to publish (an empty flush would only log a warning per invocation).
 */
export const buildHandler = (deps: () => EnqueueDeps | Promise<EnqueueDeps>) =>
  middy<BusEvent>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const wiring = await deps();
      const outcome = parseBusEvent(event);
      wiring.log.appendKeys({ blob_id: outcome.detail.blob_id, tenant_id: outcome.detail.tenant_id });
      await enqueueDelivery(outcome, wiring);
    });

export const handler = buildHandler(webhooksRuntime);
