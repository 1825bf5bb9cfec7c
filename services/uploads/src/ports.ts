import type { DeclaredContentType, RecognitionOptions } from '@imgrec/shared';

/** What the uploads service knows of a blob: the request it was created from, and when its image landed. */
export interface UploadRecord {
  blob_id: string;
  content_type: DeclaredContentType;
  options: RecognitionOptions;
  callback_url?: string;
  created_at: string;
  expires_at: string;
  stored_at?: string;
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

export interface IdempotentRequest {
  key: string;
  requestHash: string;
  response: CreateUploadResponse;
}

export type CreateResult =
  { created: true } | { created: false; existing: { requestHash: string; response: CreateUploadResponse } };

export interface UploadsRepository {
  /**
   * Saves a new upload. With an idempotency key, saving is conditional on the key being unused (or older than
   * the idempotency window); otherwise the earlier request is returned and nothing is saved.
   */
  create(record: UploadRecord, idempotency?: IdempotentRequest): Promise<CreateResult>;
  findIdempotent(key: string): Promise<{ requestHash: string; response: CreateUploadResponse } | undefined>;
  get(blobId: string): Promise<UploadRecord | undefined>;
  /** Records the first time the image was stored; later calls keep the first time. Undefined for unknown blobs. */
  markStored(blobId: string, storedAt: string): Promise<UploadRecord | undefined>;
}

export interface PresignedUpload {
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
}

/** Issues a URL the client can PUT the image to, with the Content-Type signed in. */
export type PresignUpload = (
  key: string,
  contentType: DeclaredContentType,
  expiresInSeconds: number,
) => Promise<PresignedUpload>;

/** Refuses callback URLs that break the rules of DESIGN §2; throws ValidationError `invalid_callback_url`. */
export type CheckCallbackUrl = (url: string) => Promise<void>;

/** How long an Idempotency-Key is remembered (DESIGN §2). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Upload URLs expire within 10 minutes (DESIGN §2). */
export const UPLOAD_URL_TTL_SECONDS = 600;
