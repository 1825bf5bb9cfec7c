import type { EventDetail } from '@imgrec/shared';
import { readDeliveryMessage } from '../delivery/delivery.js';
import type { WebhooksDeps } from '../ports.js';

export type ForgetDeps = Pick<WebhooksDeps, 'store' | 'deadLetters' | 'now' | 'log'>;

/**
 * Forgets a deleted blob's callback. First its delivery becomes a tombstone, with its payload and URL dropped: from
 * then on a queued message for it is dropped unsent, an outcome that arrives later creates no delivery, and a
 * redrive never resends it; a blob without a delivery yet gets a tombstone too. Then the blob's messages are removed
 * from the DLQ. The tombstone comes first so that the DLQ step may miss a message (SQS allows only a bounded pass)
 * without anything being sent. Safe to repeat: a second BlobDeleted leaves the tombstone as it is and looks through
 * the DLQ again, which finishes a removal that failed.
 * @throws when the store or the DLQ fails; the event is then retried.
 */
export const forgetDeletedBlob = async (deleted: EventDetail<'BlobDeleted'>, deps: ForgetDeps): Promise<void> => {
  const { blob_id: blobId, tenant_id: tenantId } = deleted;
  const before = await deps.store.markDeleted(blobId, { tenantId, deletedAt: deleted.deleted_at, now: deps.now() });
  if (before === 'deleted') {
    deps.log.info('delivery already forgotten', { blob_id: blobId, tenant_id: tenantId });
  } else {
    // `pending` here is a callback cancelled before it could be delivered.
    deps.log.info('delivery forgotten', { blob_id: blobId, tenant_id: tenantId, status_before: before ?? 'none' });
  }
  const removed = await deps.deadLetters.deleteWhere((body) => readDeliveryMessage(body)?.blob_id === blobId);
  if (removed > 0) {
    deps.log.info('dead-lettered delivery messages removed', { blob_id: blobId, tenant_id: tenantId, removed });
  }
};
