import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { recordStoredImage } from '../../src/recordStoredImage/recordStoredImage.js';
import { uploadsRuntime, type UploadsRuntime } from '../../src/runtime.js';

export type OnImageStoredDeps = Pick<UploadsRuntime, 'repository' | 'publisher' | 'deleteObject' | 'log'>;

/** S3 ObjectCreated → BlobCreated. S3 URL-encodes keys in notifications (spaces as '+'). */
export const buildHandler = (deps: () => OnImageStoredDeps | Promise<OnImageStoredDeps>) =>
  middy<S3Event>().handler(async (event) => {
    const wiring = await deps();
    for (const record of event.Records) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      await recordStoredImage({ key, size: record.s3.object.size }, wiring);
    }
  });

export const handler = buildHandler(uploadsRuntime);
