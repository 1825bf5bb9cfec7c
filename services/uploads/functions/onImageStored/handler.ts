import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { logger } from '../../src/observability.js';
import type { UploadsDeps } from '../../src/ports.js';
import { recordStoredImage } from '../../src/recordStoredImage/recordStoredImage.js';
import { uploadsRuntime } from '../../src/runtime.js';

export type OnImageStoredDeps = Pick<UploadsDeps, 'repository' | 'publisher' | 'deleteObject' | 'now'>;

/**
 * S3 ObjectCreated → BlobCreated, record by record. S3 URL-encodes keys in notifications (spaces as '+'). Each
 * record's lines go through a logger of its own, which carries the object's blob id (the key) and then its tenant.
 */
export const buildHandler = (deps: () => OnImageStoredDeps | Promise<OnImageStoredDeps>) =>
  middy<S3Event>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const wiring = await deps();
      for (const record of event.Records) {
        const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
        const log = logger.createChild({ persistentKeys: { blob_id: key } });
        await recordStoredImage({ key, size: record.s3.object.size }, { ...wiring, log });
      }
    });

export const handler = buildHandler(uploadsRuntime);
