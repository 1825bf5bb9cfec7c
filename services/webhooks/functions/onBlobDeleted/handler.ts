import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { EventSchemaError, parseBusEvent, type BusEvent } from '@imgrec/shared';
import { forgetDeletedBlob, type ForgetDeps } from '../../src/forgetDeletedBlob/forgetDeletedBlob.js';
import { logger } from '../../src/observability.js';
import { webhooksRuntime } from '../../src/runtime.js';

/**
 * EventBridge target for BlobDeleted: turns the blob's delivery into a tombstone, so no callback is ever sent for it,
 * and removes its messages from the delivery DLQ, logging with the event's blob_id and tenant_id. A thrown error (an
 * event that fails its schema, a store or DLQ failure) makes Lambda, then EventBridge, retry and finally dead-letter
 * the event; a retry is safe, since forgetDeletedBlob is idempotent. It counts nothing, so it has no metrics to
 * publish.
 */
export const buildHandler = (deps: () => ForgetDeps | Promise<ForgetDeps>) =>
  middy<BusEvent>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const wiring = await deps();
      const deleted = parseBusEvent(event);
      if (deleted.detailType !== 'BlobDeleted') {
        throw new EventSchemaError(`onBlobDeleted takes BlobDeleted events, not ${deleted.detailType}`);
      }
      wiring.log.appendKeys({ blob_id: deleted.detail.blob_id, tenant_id: deleted.detail.tenant_id });
      await forgetDeletedBlob(deleted.detail, wiring);
    });

export const handler = buildHandler(webhooksRuntime);
