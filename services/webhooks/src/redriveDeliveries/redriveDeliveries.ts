import { readDeliveryMessage, type DeliveryMessage } from '../delivery/delivery.js';
import type { WebhooksDeps } from '../ports.js';

export type RedriveDeps = Pick<WebhooksDeps, 'store' | 'deadLetters' | 'now' | 'log'>;

export interface RedriveReport {
  /** Deliveries put back on the queue, each with its unchanged webhook-id. */
  replayed: DeliveryMessage[];
  /**
   * DLQ messages moved back whose delivery already succeeded, or whose blob was deleted (or is unknown):
   * deliverCallback drops them unsent.
   */
  notResent: DeliveryMessage[];
  /** DLQ bodies that are not delivery messages; left in the DLQ for a person to look at. */
  unreadable: string[];
}

export interface RedriveOptions {
  /** Only this blob's messages. */
  blobId?: string;
  /** Only this tenant's messages. With blobId, only that blob's, if it is this tenant's. */
  tenantId?: string;
}

/**
 * Replays the delivery DLQ, all of it or the messages of one blob and/or one tenant: each delivery goes back to
 * pending (same webhook-id, fresh retry schedule, announced again when it ends) and its message moves back to the
 * delivery queue. The deliveries are reset before the messages move, so a message can never be picked up while its
 * delivery still says failed (it would be dropped as finished). A message's tenant is the tenant_id it carries or,
 * for one queued before tenants existed, the one its delivery records.
 */
export const redriveDeliveries = async (deps: RedriveDeps, options: RedriveOptions = {}): Promise<RedriveReport> => {
  const tenantOf = async (message: DeliveryMessage) =>
    message.tenant_id ?? (await deps.store.get(message.blob_id))?.tenantId;

  const bodies = await deps.deadLetters.list();
  const unreadable = bodies.filter((body) => readDeliveryMessage(body) === undefined);
  const selected = new Map<string, DeliveryMessage>();
  for (const message of bodies.map(readDeliveryMessage)) {
    if (message === undefined || (options.blobId !== undefined && message.blob_id !== options.blobId)) continue;
    if (options.tenantId !== undefined && (await tenantOf(message)) !== options.tenantId) continue;
    selected.set(message.blob_id, message);
  }

  const now = deps.now();
  const replayed: DeliveryMessage[] = [];
  const notResent: DeliveryMessage[] = [];
  for (const message of selected.values()) {
    const reset = await deps.store.resetForRedrive(message.blob_id, now);
    (reset ? replayed : notResent).push(message);
  }
  await deps.deadLetters.moveBack((body) => {
    const message = readDeliveryMessage(body);
    return message !== undefined && selected.has(message.blob_id);
  });
  for (const message of replayed) deps.log.info('callback redriven', { ...message });
  return { replayed, notResent, unreadable };
};
