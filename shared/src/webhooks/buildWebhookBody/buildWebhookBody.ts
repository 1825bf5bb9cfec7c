import { createHash } from 'node:crypto';
import type { BlobView } from '../../contract/blob.js';
import { reduceBlobView } from '../../contract/blobView/reduceBlobView.js';
import type { DomainEvent } from '../../events/catalogue.js';

/** The events that end a blob's recognition and are delivered to its callback_url. */
export type BlobOutcomeEvent = Extract<DomainEvent, { detailType: 'LabelsDetected' | 'RecognitionFailed' }>;

/** The webhook `type` of each outcome event. */
export const WEBHOOK_EVENT_TYPES = {
  LabelsDetected: 'blob.labels_detected',
  RecognitionFailed: 'blob.recognition_failed',
} as const satisfies Record<BlobOutcomeEvent['detailType'], string>;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[keyof typeof WEBHOOK_EVENT_TYPES];

/** The JSON body of every webhook message. */
export interface WebhookBody {
  type: WebhookEventType;
  /** When the outcome happened (the blob's completed_at), not when this attempt was sent. */
  timestamp: string;
  /** The GET body as of the outcome; callback.status is still "pending" since this message is the callback. */
  data: BlobView;
}

/** True for the events that carry a blob's outcome. */
export const isBlobOutcomeEvent = (event: DomainEvent): event is BlobOutcomeEvent =>
  event.detailType === 'LabelsDetected' || event.detailType === 'RecognitionFailed';

/**
 * The webhook-id of a blob's one outcome message: derived from the blob id, so that every path that could build
 * the message again (a duplicated event, a lost row) still yields the same id and receivers can drop the copy.
 * Hashed because the blob id is the capability to read the blob; the id should not leak it through logs.
 */
export const webhookIdForBlob = (blobId: string): string =>
  `msg_${createHash('sha256').update(`imgrec.webhook.v1:${blobId}`).digest('base64url').slice(0, 22)}`;

/**
 * Builds the webhook body of an outcome event. `data` is made by the same reducer the results service applies to
 * the same event, so it has the shape and values of GET at that point, with `updated_at` set to `completed_at`
 * (the results service stamps its own processing time instead).
 */
export const buildWebhookBody = (event: BlobOutcomeEvent): WebhookBody => {
  const data = reduceBlobView(undefined, event, event.detail.completed_at);
  // reduceBlobView always builds a view from an outcome event when there is none yet.
  if (!data) throw new Error(`no blob view for ${event.detailType}`);
  return { type: WEBHOOK_EVENT_TYPES[event.detailType], timestamp: event.detail.completed_at, data };
};
