import { IMAGE_LIMITS, type EventPublisher, type Logger } from '@imgrec/shared';
import type { DeleteObject, UploadsRepository } from '../ports.js';

export interface StoredImage {
  key: string;
  size: number;
}

export interface RecordStoredImageDeps {
  repository: UploadsRepository;
  publisher: EventPublisher;
  deleteObject: DeleteObject;
  log: Logger;
  now?: () => Date;
}

/**
 * Turns "an object landed in the bucket" into BlobCreated, with everything recognition, results and webhooks need,
 * once per blob. An object over the 15 MB limit is deleted at once; its BlobCreated still goes out, with its size, so
 * that recognition fails the blob without reading it. An object for a blob we never issued is logged and dropped
 * rather than retried forever.
 *
 * S3 delivers notifications at least once, and a second PUT to a presigned URL overwrites the object and notifies
 * again: once BlobCreated went out and `announced_at` is recorded, such notifications publish nothing. A notification
 * for a blob that is stored but not announced (the last attempt died between the two) publishes and records.
 * Two windows remain in which BlobCreated goes out twice, both absorbed by idempotent consumers: a crash after the
 * publish and before `announced_at` is recorded, and two notifications handled at the same moment.
 */
export const recordStoredImage = async (image: StoredImage, deps: RecordStoredImageDeps): Promise<void> => {
  if (image.size > IMAGE_LIMITS.maxBytes) {
    // Deleted before anything else, so a retry after a failure below deletes again (harmlessly) rather than never.
    await deps.deleteObject(image.key);
    deps.log.info('image over the size limit deleted', { key: image.key, size: image.size });
  }
  const blobId = image.key;
  const now = (deps.now?.() ?? new Date()).toISOString();
  const record = await deps.repository.markStored(blobId, now);
  if (!record?.stored_at) {
    deps.log.warn('object for an unknown blob ignored', { key: image.key });
    return;
  }
  if (record.announced_at !== undefined) {
    deps.log.info('object for a blob already announced ignored', { blob_id: blobId, size: image.size });
    return;
  }
  await deps.publisher.publish({
    detailType: 'BlobCreated',
    detail: {
      blob_id: record.blob_id,
      tenant_id: record.tenant_id,
      key: image.key,
      size: image.size,
      options: record.options,
      callback_url: record.callback_url,
      created_at: record.created_at,
      stored_at: record.stored_at,
    },
  });
  await deps.repository.markAnnounced(blobId, now);
};
