import type { EventPublisher, Logger } from '@imgrec/shared';
import type { UploadsRepository } from '../ports.js';

export interface StoredImage {
  key: string;
  size: number;
}

/**
 * Turns "an object landed in the bucket" into BlobCreated, with everything recognition, results and webhooks need.
 * S3 delivers notifications at least once, so a repeat announces the same facts again (consumers are idempotent);
 * an object for a blob we never issued is logged and dropped rather than retried forever.
 */
export const recordStoredImage = async (
  image: StoredImage,
  deps: { repository: UploadsRepository; publisher: EventPublisher; log: Logger; now?: () => Date },
): Promise<void> => {
  const blobId = image.key;
  const record = await deps.repository.markStored(blobId, (deps.now?.() ?? new Date()).toISOString());
  if (!record?.stored_at) {
    deps.log.warn('object for an unknown blob ignored', { key: image.key });
    return;
  }
  await deps.publisher.publish({
    detailType: 'BlobCreated',
    detail: {
      blob_id: record.blob_id,
      key: image.key,
      size: image.size,
      options: record.options,
      callback_url: record.callback_url,
      created_at: record.created_at,
      stored_at: record.stored_at,
    },
  });
};
