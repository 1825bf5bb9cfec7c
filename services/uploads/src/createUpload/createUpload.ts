import {
  ConflictError,
  DEFAULT_FEATURES,
  DEFAULT_MAX_LABELS,
  ImgrecError,
  newBlobId,
  type Caller,
  type RecognitionOptions,
} from '@imgrec/shared';
import { createHash } from 'node:crypto';
import type { CreateUploadResponse, UploadRecord, UploadsDeps } from '../ports.js';
import type { UploadRequest } from '../uploadRequestSchema/uploadRequestSchema.js';

export type CreateUploadDeps = Pick<
  UploadsDeps,
  | 'repository'
  | 'quotaCounter'
  | 'presignUpload'
  | 'checkCallbackUrl'
  | 'publisher'
  | 'uploadUrlTtlSeconds'
  | 'defaultMinConfidence'
  | 'now'
  | 'log'
  | 'metrics'
>;

export interface CreateUploadCommand {
  /** Who asks: the blob is theirs, their Idempotency-Keys apply, and their daily quota counts it. */
  caller: Pick<Caller, 'tenantId' | 'maxBlobsPerDay'>;
  request: UploadRequest;
  idempotencyKey?: string;
  /** The base of `status_url`, e.g. https://api.example.com */
  apiBaseUrl: string;
}

/** A stable hash of a request body: the same fields and values give the same hash whatever their order. */
const hashRequest = (request: UploadRequest): string =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(request).sort(([a], [b]) => a.localeCompare(b))))
    .digest('base64url');

/**
 * Whole seconds from `now` until the next UTC midnight, when a daily quota starts afresh. Rounded up, so it is at
 * least 1 and a client that waits that long never retries early.
 */
export const secondsUntilNextUtcDay = (now: Date): number => {
  const nextDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((nextDay - now.getTime()) / 1000);
};

const blobRequested = (record: UploadRecord) =>
  ({
    detailType: 'BlobRequested',
    detail: {
      blob_id: record.blob_id,
      tenant_id: record.tenant_id,
      content_type: record.content_type,
      options: record.options,
      callback_url: record.callback_url,
      created_at: record.created_at,
      expires_at: record.expires_at,
    },
  }) as const;

/**
 * Creates a blob awaiting its upload for the calling tenant: counts it against the tenant's daily quota, saves the
 * request, announces BlobRequested and returns a presigned URL (bound to `content_length` when the request gave
 * one). With an Idempotency-Key, a repeat of the same request by the same tenant returns the first response (and
 * re-announces the blob, in case the first attempt died before it could) without counting against the quota; a
 * different request under the same key is a conflict. Counts `blobs_created` for a new blob only. From the moment
 * the blob is known, `deps.log` carries its `blob_id`.
 * @throws ValidationError `invalid_callback_url` from the URL check; ConflictError `idempotency_key_reused`;
 *   ImgrecError `quota_exceeded`, whose retryAfterSeconds is the time until the quota starts afresh.
 */
export const createUpload = async (
  command: CreateUploadCommand,
  deps: CreateUploadDeps,
): Promise<{ response: CreateUploadResponse; replayed: boolean }> => {
  const { caller, request, idempotencyKey } = command;
  const requestHash = hashRequest(request);

  const replay = async (earlier: { requestHash: string; response: CreateUploadResponse }) => {
    if (earlier.requestHash !== requestHash) {
      throw new ConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request in the last 24 hours.',
      );
    }
    deps.log.appendKeys({ blob_id: earlier.response.blob_id });
    const record = await deps.repository.get(earlier.response.blob_id);
    if (record) await deps.publisher.publish(blobRequested(record));
    deps.log.info('idempotent request replayed');
    return { response: earlier.response, replayed: true };
  };

  if (idempotencyKey) {
    const earlier = await deps.repository.findIdempotent(caller.tenantId, idempotencyKey);
    if (earlier) return replay(earlier);
  }
  if (request.callback_url !== undefined) await deps.checkCallbackUrl(request.callback_url);

  const now = deps.now();
  // Counted before the blob exists: two concurrent first uses of one Idempotency-Key may both count, though only
  // one creates a blob (the other replays it). A unit of quota is the price of that race, never an extra blob.
  if (
    caller.maxBlobsPerDay !== undefined &&
    !(await deps.quotaCounter.tryConsume(caller.tenantId, now.toISOString().slice(0, 10), caller.maxBlobsPerDay))
  ) {
    throw new ImgrecError(
      'quota_exceeded',
      `The daily quota of ${caller.maxBlobsPerDay} new blobs is used up; it starts afresh at midnight UTC.`,
      { retryAfterSeconds: secondsUntilNextUtcDay(now) },
    );
  }

  const blobId = newBlobId();
  deps.log.appendKeys({ blob_id: blobId });
  const options: RecognitionOptions = {
    min_confidence: request.min_confidence ?? deps.defaultMinConfidence,
    max_labels: request.max_labels ?? DEFAULT_MAX_LABELS,
    features: [...(request.features ?? DEFAULT_FEATURES)],
  };
  const upload = await deps.presignUpload(blobId, deps.uploadUrlTtlSeconds, request.content_length);
  const record: UploadRecord = {
    blob_id: blobId,
    tenant_id: caller.tenantId,
    content_type: request.content_type ?? 'image/jpeg',
    options,
    ...(request.callback_url === undefined ? {} : { callback_url: request.callback_url }),
    created_at: now.toISOString(),
    expires_at: upload.expiresAt.toISOString(),
    // Kept so that deleting the blob can free its key.
    ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
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
  deps.metrics.count('blobs_created');
  await deps.publisher.publish(blobRequested(record));
  deps.log.info('blob requested');
  return { response, replayed: false };
};
