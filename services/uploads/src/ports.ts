import type { Clock, DeclaredContentType, EventPublisher, Logger, Metrics, RecognitionOptions } from '@imgrec/shared';

/** What the uploads service knows of a blob: who asked for it, the request, and when its image landed. */
export interface UploadRecord {
  blob_id: string;
  /** The tenant whose API key created the blob; every event about the blob carries it. */
  tenant_id: string;
  content_type: DeclaredContentType;
  options: RecognitionOptions;
  callback_url?: string;
  created_at: string;
  expires_at: string;
  /** When the image first landed. */
  stored_at?: string;
  /** When BlobCreated was published for the image: set once, after the publish succeeded. */
  announced_at?: string;
  /** The Idempotency-Key the blob was created under, if any: deleting the blob frees it. */
  idempotency_key?: string;
}

/** The response of `POST /blobs`, kept with an idempotency key so a replay returns it verbatim. */
export interface CreateUploadResponse {
  blob_id: string;
  upload_url: string;
  upload_method: 'PUT';
  upload_headers: Record<string, string>;
  expires_at: string;
  status_url: string;
}

/** An Idempotency-Key and what it stands for. Keys belong to the tenant of the record they come with. */
export interface IdempotentRequest {
  key: string;
  requestHash: string;
  response: CreateUploadResponse;
}

export type CreateResult =
  { created: true } | { created: false; existing: { requestHash: string; response: CreateUploadResponse } };

export interface UploadsRepository {
  /**
   * Saves a new upload. With an idempotency key, saving is conditional on the key being unused by the record's
   * tenant (or older than the idempotency window); otherwise the earlier request is returned and nothing is saved.
   * Another tenant's use of the same key never counts.
   */
  create(record: UploadRecord, idempotency?: IdempotentRequest): Promise<CreateResult>;
  /** The request a tenant made under `key` within the idempotency window, if any. */
  findIdempotent(
    tenantId: string,
    key: string,
  ): Promise<{ requestHash: string; response: CreateUploadResponse } | undefined>;
  get(blobId: string): Promise<UploadRecord | undefined>;
  /** Records the first time the image was stored; later calls keep the first time. Undefined for unknown blobs. */
  markStored(blobId: string, storedAt: string): Promise<UploadRecord | undefined>;
  /** Records that BlobCreated went out for the blob; later calls keep the first time. Unknown blobs are ignored. */
  markAnnounced(blobId: string, announcedAt: string): Promise<void>;
  /**
   * Deletes the blob's record and the Idempotency-Key it was created under, unless another request of the tenant
   * holds that key by now. The key goes first, so a crash in between leaves the record for a retry to find. Deleting
   * what is no longer there is no error.
   */
  delete(record: Pick<UploadRecord, 'blob_id' | 'tenant_id' | 'idempotency_key'>): Promise<void>;
}

/** Counts the blobs each tenant creates per UTC day, against the tenant's `max_blobs_per_day`. */
export interface QuotaCounter {
  /**
   * Counts one blob for the tenant on `utcDay` (`YYYY-MM-DD`) and resolves to true, unless `max` are counted
   * already: then it counts nothing and resolves to false. Atomic: concurrent calls never count past `max`.
   */
  tryConsume(tenantId: string, utcDay: string, max: number): Promise<boolean>;
}

export interface PresignedUpload {
  url: string;
  /** The headers the client must send with its PUT: none, or the Content-Length the URL is bound to. */
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * Issues a URL the client can PUT the image to. It signs no header a plain `curl --upload-file` does not send; with
 * `contentLength`, it accepts exactly that many bytes and no other number.
 */
export type PresignUpload = (key: string, expiresInSeconds: number, contentLength?: number) => Promise<PresignedUpload>;

/** Deletes a stored image. Deleting one that is not there is no error. */
export type DeleteObject = (key: string) => Promise<void>;

/** Refuses callback URLs that break the rules of the API contract; throws ValidationError `invalid_callback_url`. */
export type CheckCallbackUrl = (url: string) => Promise<void>;

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Everything the uploads service's functions and use cases depend on; each narrows it with `Pick<>`. */
export interface UploadsDeps {
  repository: UploadsRepository;
  quotaCounter: QuotaCounter;
  presignUpload: PresignUpload;
  deleteObject: DeleteObject;
  checkCallbackUrl: CheckCallbackUrl;
  publisher: EventPublisher;
  /** How long an upload URL stays valid, in seconds (at most 600: the contract's 10 minutes). */
  uploadUrlTtlSeconds: number;
  /** The `min_confidence` of a request that names none: the mode's recognizer's own default. */
  defaultMinConfidence: number;
  /** The base of `status_url` when it is fixed (local mode); on AWS it is the API's own domain. */
  publicBaseUrl?: string;
  now: Clock;
  /** The service's logger (src/observability.ts), the one whose keys each handler's middleware resets. */
  log: Logger;
  /** Counts `blobs_created`: CloudWatch (EMF) on AWS, the `GET /metrics` counters locally. */
  metrics: Metrics;
}
