import type { Clock, EventPublisher, Logger, Metrics, WebhookSigner } from '@imgrec/shared';
import type {
  AttemptRecord,
  ClaimResult,
  Delivery,
  DeliveryMessage,
  NewDelivery,
  StoredDelivery,
} from './delivery/delivery.js';

/**
 * The deliveries table: one row per blob with a callback, or a deleted blob's tombstone. Every write is atomic and
 * conditional.
 */
export interface DeliveryStore {
  /**
   * Saves a new delivery unless the blob has one already, or a tombstone; returns what is stored and whether it is
   * new.
   */
  create(
    delivery: NewDelivery,
  ): Promise<{ created: true; delivery: Delivery } | { created: false; delivery: StoredDelivery }>;
  get(blobId: string): Promise<StoredDelivery | undefined>;
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
  /**
   * Turns the blob's delivery into a tombstone in one atomic step, dropping its payload and URL; with no delivery
   * yet, leaves a tombstone anyway, so an outcome that arrives later creates none. A tombstone stays as it is.
   * Returns the status the blob had before: undefined when it had no delivery, `deleted` when nothing changed.
   */
  markDeleted(
    blobId: string,
    deletion: { tenantId: string; deletedAt: string; now: Date },
  ): Promise<StoredDelivery['status'] | undefined>;
}

/** One of a tenant's webhook signing secrets, decrypted. */
export interface TenantSecret {
  secret_id: string;
  /** `whsec_<base64>`. */
  secret: string;
  created_at: string;
  /** After this the secret no longer signs (the end of a rotation's overlap); absent while it is current. */
  expires_at?: string;
}

/**
 * The tenants' webhook signing secrets, which only the webhooks service reads. Adapters (SQLite locally, DynamoDB on
 * AWS) store each secret encrypted with a {@link SecretCipher}, bound to its tenant, and never in clear.
 */
export interface TenantSecretStore {
  /** The tenant's secrets, newest first, expired ones included; empty for a tenant without any. */
  list(tenantId: string): Promise<TenantSecret[]>;
  /**
   * Adds a secret. With `retireOthersAt`, every other secret of the tenant that would outlive that time is set to
   * expire then (a rotation's overlap); without it the others are left as they are. Secrets that had expired by the
   * new secret's created_at are dropped, so the list does not grow with every rotation.
   * @throws Error when the tenant already has a secret with this secret_id.
   */
  add(tenantId: string, secret: TenantSecret, options?: { retireOthersAt?: string }): Promise<void>;
}

/** A TenantSecretStore with connections of its own, for one-off commands (the admin CLI): close it when done. */
export interface ClosableTenantSecretStore extends TenantSecretStore {
  close(): void;
}

/**
 * Encrypts secrets at rest, bound to their tenant: a ciphertext moved to another tenant's record does not decrypt.
 * Adapters: AES-256-GCM with a key in the data dir (local), KMS (aws).
 */
export interface SecretCipher {
  encrypt(plaintext: string, tenantId: string): Promise<string>;
  /** @throws when the ciphertext was altered or belongs to another tenant. */
  decrypt(ciphertext: string, tenantId: string): Promise<string>;
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

/** The delivery DLQ, as the redrive command and onBlobDeleted see it. */
export interface DeadLetterQueue {
  /** The bodies of every message in the DLQ, oldest first. */
  list(): Promise<string[]>;
  /** Moves the messages `select` accepts back to the delivery queue, visible now; returns the bodies moved. */
  moveBack(select: (body: string) => boolean): Promise<string[]>;
  /**
   * Deletes the messages `select` accepts; returns how many. Locally every message is looked at. On SQS, which can
   * only receive, it is one bounded pass: a message received by another consumer meanwhile (a redrive, another
   * delete), or past the pass's bound, is left where it is.
   */
  deleteWhere(select: (body: string) => boolean): Promise<number>;
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
  deadLetters: DeadLetterQueue;
  send: CallbackSender;
  /**
   * Resolves the signer for a tenant's current webhook secret(s): those not expired, newest first. Asked before
   * every claim, so a tenant without a usable secret (none stored, the store or KMS unavailable) fails the message
   * before it uses up an attempt. In aws mode a tenant's secrets are kept in memory for a few minutes (Powertools
   * Parameters' cache), so a rotation reaches running functions without a cold start.
   */
  signerFor: (tenantId: string) => Promise<WebhookSigner>;
  publisher: EventPublisher;
  /** Seconds to wait before each retry (IMGREC_RETRY_SCHEDULE). */
  retrySchedule: readonly number[];
  now: Clock;
  /** [0, 1): the jitter source. */
  random: () => number;
  log: Logger;
  metrics: Metrics;
}
