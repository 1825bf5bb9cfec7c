import { tenantIdSchema, type WebhookEventType } from '@imgrec/shared';
import { z } from 'zod';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * One blob's callback: the signed message it delivers and where its attempts stand. There is at most one per blob
 * (one message per outcome), keyed by blob id; its webhook-id never changes.
 */
export interface Delivery {
  blobId: string;
  /** The tenant whose blob it is: its webhook secrets sign every attempt. */
  tenantId: string;
  webhookId: string;
  url: string;
  eventType: WebhookEventType;
  /** The JSON body, serialized once: every attempt sends these exact bytes. */
  payload: string;
  status: DeliveryStatus;
  /** Every attempt started, across redrives; what GET shows as callback.attempts. */
  attempts: number;
  /** Attempts since the delivery was queued or last redriven: the position in the retry schedule. */
  cycleAttempts: number;
  /**
   * The queue message that drives this delivery. The first message to claim the delivery owns it; any other copy
   * (a second enqueue after a duplicated event, a DLQ duplicate) is dropped, so copies never add attempts.
   */
  ownerMessageId: string | undefined;
  /** When the next attempt is due; a message that turns up earlier is hidden again until then. */
  nextAttemptAt: string | undefined;
  lastAttemptAt: string | undefined;
  lastStatusCode: number | undefined;
  /** Why the last attempt failed, for operators; never sent to clients. */
  lastError: string | undefined;
  /** A failed delivery whose message belongs in the DLQ: the schedule ran out (not a 410, which asked us to stop). */
  deadLetter: boolean;
  /** Whether CallbackDelivered / CallbackFailed went out for the current outcome. */
  outcomePublished: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * What is left of a deleted blob's delivery: whose it was and when it went, with nothing that could be sent (no
 * payload, no URL, no webhook-id). Terminal: a queued message for it is dropped unsent, an outcome event that arrives
 * later creates no delivery, and a redrive never resets it. Kept, like a delivery, until the record retention passes.
 */
export interface DeliveryTombstone {
  blobId: string;
  tenantId: string;
  status: 'deleted';
  deletedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** What the deliveries table holds for a blob: its delivery, or the tombstone a delete left. */
export type StoredDelivery = Delivery | DeliveryTombstone;

export type NewDelivery = Pick<Delivery, 'blobId' | 'tenantId' | 'webhookId' | 'url' | 'eventType' | 'payload'> & {
  now: Date;
};

export type ClaimResult =
  /** The message may attempt now; the delivery is returned with the attempt counted and the message as owner. */
  | { kind: 'claimed'; delivery: Delivery }
  /** No delivery for this message (it was never created, or the data dir was reset). */
  | { kind: 'missing' }
  /** Another message owns the delivery: this one is a copy. */
  | { kind: 'duplicate'; delivery: Delivery }
  /** The delivery is delivered or failed; only its follow-up (event, DLQ) may remain. */
  | { kind: 'finished'; delivery: Delivery }
  /** The blob was deleted: the message is dropped, with no attempt and no follow-up. */
  | { kind: 'deleted'; tombstone: DeliveryTombstone }
  /** The message came back before the next attempt is due. */
  | { kind: 'early'; delivery: Delivery; retryAt: string };

// Queue delays are whole seconds and clocks drift a little; an attempt this close to its time is due.
const DUE_TOLERANCE_MS = 500;

/**
 * Decides what a received queue message may do with a delivery. Pure, so every store adapter applies the same
 * rules inside its own atomic step (a SQLite transaction, a DynamoDB conditional update).
 */
export const decideClaim = (
  delivery: StoredDelivery | undefined,
  messageId: string,
  now: Date,
): Exclude<ClaimResult, { kind: 'claimed' }> | { kind: 'claimable'; delivery: Delivery } => {
  if (!delivery) return { kind: 'missing' };
  if (delivery.status === 'deleted') return { kind: 'deleted', tombstone: delivery };
  if (delivery.ownerMessageId !== undefined && delivery.ownerMessageId !== messageId) {
    return { kind: 'duplicate', delivery };
  }
  if (delivery.status !== 'pending') return { kind: 'finished', delivery };
  if (delivery.nextAttemptAt !== undefined && Date.parse(delivery.nextAttemptAt) - DUE_TOLERANCE_MS > now.getTime()) {
    return { kind: 'early', delivery, retryAt: delivery.nextAttemptAt };
  }
  return { kind: 'claimable', delivery };
};

/** What an attempt ended in, as the store records it. */
export type AttemptRecord =
  | { result: 'delivered'; statusCode: number }
  | { result: 'retry'; statusCode: number | undefined; error: string; nextAttemptAt: string }
  | { result: 'failed'; statusCode: number | undefined; error: string; deadLetter: boolean };

/**
 * The body of a delivery queue message: which delivery to attempt. The message itself lives in the store, and so
 * does the tenant whose secrets sign it; `tenant_id` is there for operators and the redrive command's `--tenant`.
 */
export const deliveryMessageSchema = z.object({
  blob_id: z.string().min(1),
  webhook_id: z.string().min(1),
  // Absent from the messages that releases before tenants queued; they are still delivered and redriven.
  tenant_id: tenantIdSchema.optional(),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

/** A queue message's body as a delivery message; undefined for a body that is not one. */
export const readDeliveryMessage = (body: string): DeliveryMessage | undefined => {
  try {
    return deliveryMessageSchema.parse(JSON.parse(body));
  } catch {
    return undefined;
  }
};
