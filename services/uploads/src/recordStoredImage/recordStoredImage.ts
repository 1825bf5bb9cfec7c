import { IMAGE_LIMITS } from '@imgrec/shared';
import type { UploadsDeps } from '../ports.js';

export interface StoredImage {
  key: string;
  size: number;
}

export type RecordStoredImageDeps = Pick<UploadsDeps, 'repository' | 'publisher' | 'deleteObject' | 'log' | 'now'>;

/**
 * Turns "an object landed in the bucket" into BlobCreated, with everything recognition, results and webhooks need,
 * once per blob. An object over the 15 MB limit is deleted at once; its BlobCreated still goes out, with its size, so
 * that recognition fails the blob without reading it. An object for a blob with no record (deleted, its upload URL
 * still valid, or never issued) is deleted and logged, rather than kept or retried forever.
 *
 * S3 delivers notifications at least once, and a second PUT to a presigned URL overwrites the object and notifies
 * again: once BlobCreated went out and `announced_at` is recorded, such notifications publish nothing. A notification
 * for a blob that is stored but not announced (the last attempt died between the two) publishes and records.
 * Two windows remain in which BlobCreated goes out twice, both absorbed by idempotent consumers: a crash after the
 * publish and before `announced_at` is recorded, and two notifications handled at the same moment.
 * `deps.log` is the image's own logger, which names the blob by its key; once the blob is known, its lines carry the
 * blob's `tenant_id` as well.
 */
export const recordStoredImage = async (image: StoredImage, deps: RecordStoredImageDeps): Promise<void> => {
  const oversize = image.size > IMAGE_LIMITS.maxBytes;
  // Deleted before anything else, so a retry after a failure below deletes again (harmlessly) rather than never.
  if (oversize) await deps.deleteObject(image.key);
  const blobId = image.key;
  const now = deps.now().toISOString();
  const record = await deps.repository.markStored(blobId, now);
  if (!record?.stored_at) {
    if (!oversize) await deps.deleteObject(image.key);
    deps.log.warn('object for an unknown blob deleted', { key: image.key, size: image.size });
    return;
  }
  deps.log.appendKeys({ tenant_id: record.tenant_id });
  if (oversize) deps.log.info('image over the size limit deleted', { size: image.size });
  if (record.announced_at !== undefined) {
    deps.log.info('object for a blob already announced ignored', { size: image.size });
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
