import { ConflictError, DEFAULT_MAX_LABELS, type EventPublisher, type RecognitionOptions } from '@imgrec/shared';
import { createHash, randomBytes } from 'node:crypto';
import {
  UPLOAD_URL_TTL_SECONDS,
  type CheckCallbackUrl,
  type CreateUploadResponse,
  type PresignUpload,
  type UploadRecord,
  type UploadsRepository,
} from '../ports.js';
import type { UploadRequest } from '../uploadRequestSchema/uploadRequestSchema.js';

export interface CreateUploadDeps {
  repository: UploadsRepository;
  presignUpload: PresignUpload;
  checkCallbackUrl: CheckCallbackUrl;
  publisher: EventPublisher;
  defaultMinConfidence: number;
  now?: () => Date;
}

export interface CreateUploadCommand {
  request: UploadRequest;
  idempotencyKey?: string;
  /** The base of `status_url`, e.g. https://api.example.com */
  apiBaseUrl: string;
}

/** 128 random bits, base64url: 22 characters nobody can guess (DESIGN §2 asks for at least 122). */
export const newBlobId = (): string => randomBytes(16).toString('base64url');

/** A stable hash of a request body: the same fields and values give the same hash whatever their order. */
const hashRequest = (request: UploadRequest): string =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(request).sort(([a], [b]) => a.localeCompare(b))))
    .digest('base64url');

const blobRequested = (record: UploadRecord) =>
  ({
    detailType: 'BlobRequested',
    detail: {
      blob_id: record.blob_id,
      content_type: record.content_type,
      options: record.options,
      callback_url: record.callback_url,
      created_at: record.created_at,
      expires_at: record.expires_at,
    },
  }) as const;

/**
 * Creates a blob awaiting its upload: saves the request, announces BlobRequested and returns a presigned URL.
 * With an Idempotency-Key, a repeat of the same request returns the first response (and re-announces the blob, in
 * case the first attempt died before it could); a different request under the same key is a conflict.
 * @throws ValidationError `invalid_callback_url` from the URL check; ConflictError `idempotency_key_reused`.
 */
export const createUpload = async (
  command: CreateUploadCommand,
  deps: CreateUploadDeps,
): Promise<{ response: CreateUploadResponse; replayed: boolean }> => {
  const { request, idempotencyKey } = command;
  const requestHash = hashRequest(request);

  const replay = async (earlier: { requestHash: string; response: CreateUploadResponse }) => {
    if (earlier.requestHash !== requestHash) {
      throw new ConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request in the last 24 hours.',
      );
    }
    const record = await deps.repository.get(earlier.response.blob_id);
    if (record) await deps.publisher.publish(blobRequested(record));
    return { response: earlier.response, replayed: true };
  };

  if (idempotencyKey) {
    const earlier = await deps.repository.findIdempotent(idempotencyKey);
    if (earlier) return replay(earlier);
  }
  if (request.callback_url !== undefined) await deps.checkCallbackUrl(request.callback_url);

  const now = deps.now?.() ?? new Date();
  const blobId = newBlobId();
  const contentType = request.content_type ?? 'image/jpeg';
  const options: RecognitionOptions = {
    min_confidence: request.min_confidence ?? deps.defaultMinConfidence,
    max_labels: request.max_labels ?? DEFAULT_MAX_LABELS,
  };
  const upload = await deps.presignUpload(blobId, contentType, UPLOAD_URL_TTL_SECONDS);
  const record: UploadRecord = {
    blob_id: blobId,
    content_type: contentType,
    options,
    ...(request.callback_url === undefined ? {} : { callback_url: request.callback_url }),
    created_at: now.toISOString(),
    expires_at: upload.expiresAt.toISOString(),
  };
  const response: CreateUploadResponse = {
    blob_id: blobId,
    upload_url: upload.url,
    upload_method: 'PUT',
    upload_headers: upload.headers,
    expires_at: record.expires_at,
    status_url: `${command.apiBaseUrl}/blobs/${blobId}`,
  };

  const result = await deps.repository.create(
    record,
    idempotencyKey ? { key: idempotencyKey, requestHash, response } : undefined,
  );
  if (!result.created) return replay(result.existing);
  await deps.publisher.publish(blobRequested(record));
  return { response, replayed: false };
};
