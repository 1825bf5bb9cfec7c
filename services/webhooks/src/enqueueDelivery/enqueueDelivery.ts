import { buildWebhookBody, isBlobOutcomeEvent, webhookIdForBlob, type DomainEvent } from '@imgrec/shared';
import type { WebhooksDeps } from '../ports.js';

export type EnqueueDeps = Pick<WebhooksDeps, 'store' | 'queue' | 'now' | 'log'>;

export type EnqueueResult = 'queued' | 'no_callback' | 'already_queued' | 'blob_deleted';

/**
 * Turns a blob outcome with a callback_url into its one delivery: the body is built and saved once, keyed by blob
 * id, with the blob's tenant (whose secrets will sign it), then a message is queued to attempt it. A duplicated or
 * second outcome event for the blob finds the delivery and queues nothing, except when the saved delivery never got
 * its first attempt: the process may have died between saving it and queueing the message, and an extra message is
 * harmless (the first one to claim the delivery owns it; deliverCallback drops the other). An outcome of a deleted
 * blob finds its tombstone and queues nothing.
 */
export const enqueueDelivery = async (event: DomainEvent, deps: EnqueueDeps): Promise<EnqueueResult> => {
  if (!isBlobOutcomeEvent(event) || event.detail.callback_url === undefined) return 'no_callback';
  const { blob_id: blobId, tenant_id: tenantId } = event.detail;
  const body = buildWebhookBody(event);
  const { created, delivery } = await deps.store.create({
    blobId,
    tenantId,
    webhookId: webhookIdForBlob(blobId),
    url: event.detail.callback_url,
    eventType: body.type,
    payload: JSON.stringify(body),
    now: deps.now(),
  });
  if (delivery.status === 'deleted') {
    deps.log.info('outcome of a deleted blob; nothing queued', {
      blob_id: blobId,
      tenant_id: delivery.tenantId,
      detail_type: event.detailType,
    });
    return 'blob_deleted';
  }
  if (!created && !(delivery.status === 'pending' && delivery.attempts === 0)) {
    deps.log.info('outcome already has a delivery; nothing queued', {
      blob_id: blobId,
      tenant_id: delivery.tenantId,
      webhook_id: delivery.webhookId,
      detail_type: event.detailType,
      status: delivery.status,
    });
    return 'already_queued';
  }
  await deps.queue.send({ blob_id: blobId, webhook_id: delivery.webhookId, tenant_id: delivery.tenantId });
  deps.log.info('callback queued', {
    blob_id: blobId,
    tenant_id: delivery.tenantId,
    webhook_id: delivery.webhookId,
    type: body.type,
  });
  return 'queued';
};
