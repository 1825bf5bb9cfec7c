import type { EventPublisher, Logger, WebhookSigner } from '@imgrec/shared';
import type { AttemptRecord, ClaimResult, Delivery, DeliveryMessage, NewDelivery } from './delivery/delivery.js';

/** The deliveries table: one row per blob with a callback. Every write is atomic and conditional. */
export interface DeliveryStore {
  /** Saves a new delivery unless the blob has one already; returns the stored one and whether it is new. */
  create(delivery: NewDelivery): Promise<{ created: boolean; delivery: Delivery }>;
  get(blobId: string): Promise<Delivery | undefined>;
  /**
   * Lets a queue message start an attempt if decideClaim allows it: counts the attempt, sets last_attempt_at to
   * `now` and makes the message the owner, in one atomic step.
   */
  claim(blobId: string, claim: { messageId: string; now: Date }): Promise<ClaimResult>;
  /**
   * Records how attempt number `attempt` (Delivery.attempts after its claim) ended. Returns undefined and changes
   * nothing if the delivery moved on meanwhile (no longer pending, or another attempt was claimed).
   */
  recordAttempt(blobId: string, attempt: number, record: AttemptRecord, now: Date): Promise<Delivery | undefined>;
  /** Notes that the outcome event for the current delivered/failed state went out. */
  markOutcomePublished(blobId: string): Promise<void>;
  /**
   * Puts a failed (or dead-lettered pending) delivery back to pending for a redrive: same webhook-id, a fresh retry
   * schedule, no owner. Returns undefined for a delivered or unknown delivery, which must not be sent again.
   */
  resetForRedrive(blobId: string, now: Date): Promise<Delivery | undefined>;
}

/** A delivery message as the queue handed it over. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
}

/** The delivery queue (SQS semantics: visibility timeout, receive count, DLQ). */
export interface DeliveryQueue {
  send(message: DeliveryMessage): Promise<void>;
  /** Hides a received message for `delaySeconds` (SQS ChangeMessageVisibility): the retry schedule's clock. */
  retryLater(receiptHandle: string, delaySeconds: number): Promise<void>;
  /**
   * Puts a received message on the DLQ. The consumer then reports it processed, so the source queue drops it;
   * if the process dies in between, the message comes back and is moved again.
   */
  deadLetter(message: ReceivedMessage): Promise<void>;
}

/** The delivery DLQ, as the redrive command sees it. */
export interface DeadLetterQueue {
  /** The bodies of every message in the DLQ, oldest first. */
  list(): Promise<string[]>;
  /** Moves the messages `select` accepts back to the delivery queue, visible now; returns the bodies moved. */
  moveBack(select: (body: string) => boolean): Promise<string[]>;
}

/** What one HTTP attempt came to. */
export type SendResult =
  | {
      kind: 'response';
      statusCode: number;
      /** The raw Retry-After header, when the receiver sent one. */
      retryAfter: string | undefined;
      /** The start of the response body, for the delivery's last_error. */
      excerpt: string;
    }
  /** No response: timeout, refused connection, TLS failure, or an address the SSRF guard refused. */
  | { kind: 'error'; error: string };

/** POSTs one signed message to a callback URL. Never throws: every failure is a SendResult. */
export type CallbackSender = (request: {
  url: string;
  headers: Record<string, string>;
  body: string;
}) => Promise<SendResult>;

/** The dependencies of the webhooks service's functions and commands. */
export interface WebhooksDeps {
  store: DeliveryStore;
  queue: DeliveryQueue;
  send: CallbackSender;
  /**
   * Resolves the signer for the current webhook secret(s). Asked before every claim: in aws mode the secrets are
   * re-read from SSM every few minutes, so a rotation needs no cold start, and a secret that cannot be read
   * (SSM unavailable, a malformed value) fails the message before it uses up an attempt.
   */
  signer: () => Promise<WebhookSigner>;
  publisher: EventPublisher;
  /** Seconds to wait before each retry (IMGREC_RETRY_SCHEDULE). */
  retrySchedule: readonly number[];
  now: () => Date;
  /** [0, 1): the jitter source. */
  random: () => number;
  log: Logger;
}
