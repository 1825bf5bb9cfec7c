import { IMAGE_LIMITS } from '../contract/labels.js';
import { httpStatusOf } from '../http/httpStatus/httpStatus.js';

/**
 * What each error code a client of the API can receive means, as the API description explains it. The status of a
 * code is not repeated here: it comes from httpStatusOf, the map the servers answer with.
 */
export const ERROR_CODE_MEANINGS = {
  malformed_json: 'The body is not valid JSON.',
  invalid_body: 'The body is JSON but not an object.',
  unknown_field: 'The body has a field the API does not know; the message names it.',
  invalid_callback_url:
    'callback_url is not an absolute https URL of at most 2048 characters, or its host resolves to an address that is ' +
    'not public (loopback, private, link-local, CGNAT, metadata, multicast or reserved) and is not allow-listed.',
  invalid_content_type: 'content_type is not image/jpeg or image/png.',
  invalid_min_confidence: 'min_confidence is not a number from 0 to 100.',
  invalid_max_labels: 'max_labels is not an integer from 1 to 100.',
  invalid_content_length: 'content_length is not a positive integer.',
  invalid_features: 'features is not a non-empty list of distinct values from labels, text, faces.',
  image_too_large: `content_length is over the ${IMAGE_LIMITS.maxBytes}-byte (15 MB) limit.`,
  invalid_idempotency_key: 'The Idempotency-Key header is empty, longer than 255 characters or not printable ASCII.',
  invalid_blob_id: 'The blob_id in the path cannot be one POST /blobs returned (22 base64url characters).',
  invalid_status: 'status is not one of the blob statuses.',
  invalid_limit: 'limit is not a whole number from 1 to 100.',
  invalid_cursor: 'cursor is not a next_cursor issued to this tenant for the same status filter.',
  missing_api_key: 'No API key: send "Authorization: Bearer imgrec_sk_…".',
  invalid_api_key: 'The API key is malformed, unknown or revoked, or its tenant is disabled.',
  blob_not_found:
    'No blob of the calling tenant has this id: it never existed, belongs to another tenant, was deleted or has ' +
    'passed its retention.',
  idempotency_key_reused: 'The Idempotency-Key was used with a different body by the same tenant in the last 24 hours.',
  payload_too_large: 'The request body is over 1 MB.',
  unsupported_media_type: 'A body was sent without a JSON Content-Type (application/json).',
  misdirected_request:
    'Local mode only: the Host header names neither a loopback name nor the host of the configured public URL.',
  quota_exceeded: "The tenant's daily quota of new blobs is used up; Retry-After says when it starts afresh (UTC).",
  internal_error: 'The server failed to handle the request; the message never says why.',
  auth_unavailable: 'API keys cannot be checked right now; try again shortly.',
  event_publish_failed: 'The event bus did not take the request (aws mode); try again.',
  route_not_found: 'No route has this path.',
  method_not_allowed: 'The path exists but not with this method; Allow lists the methods it has.',
} as const satisfies Record<string, string>;

export type ApiErrorCode = keyof typeof ERROR_CODE_MEANINGS;

/** Refusals that any route can give: the local server checks the Host header, and any request can fail. */
const EVERY_ROUTE: readonly ApiErrorCode[] = ['misdirected_request', 'internal_error'];

/** Refusals of every route that needs an API key, before the route itself runs. */
const KEYED_ROUTE: readonly ApiErrorCode[] = [...EVERY_ROUTE, 'missing_api_key', 'invalid_api_key', 'auth_unavailable'];

/** The error codes each operation can answer with, keyed by operationId. */
export const ERROR_CODES_OF_OPERATION = {
  createBlob: [
    ...KEYED_ROUTE,
    'malformed_json',
    'invalid_body',
    'unknown_field',
    'invalid_callback_url',
    'invalid_content_type',
    'invalid_min_confidence',
    'invalid_max_labels',
    'invalid_content_length',
    'invalid_features',
    'image_too_large',
    'invalid_idempotency_key',
    'idempotency_key_reused',
    'payload_too_large',
    'unsupported_media_type',
    'quota_exceeded',
    'event_publish_failed',
  ],
  listBlobs: [...KEYED_ROUTE, 'invalid_status', 'invalid_limit', 'invalid_cursor'],
  getBlob: [...KEYED_ROUTE, 'invalid_blob_id', 'blob_not_found'],
  deleteBlob: [...KEYED_ROUTE, 'invalid_blob_id', 'blob_not_found', 'event_publish_failed'],
  getHealth: EVERY_ROUTE,
  getApiDescription: EVERY_ROUTE,
} as const satisfies Record<string, readonly ApiErrorCode[]>;

export type OperationId = keyof typeof ERROR_CODES_OF_OPERATION;

/**
 * The answers of a request that reaches no operation: an unknown path, or a known path with another method. They are
 * not operations, so OpenAPI has no place for them; the description of the API states them instead.
 */
export const UNROUTED_ERROR_CODES: readonly ApiErrorCode[] = ['route_not_found', 'method_not_allowed'];

/** An operation's error codes grouped by the HTTP status they are answered with, in ascending status order. */
export const errorCodesByStatus = (codes: readonly ApiErrorCode[]): [number, ApiErrorCode[]][] => {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) {
    const status = httpStatusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus.entries()].sort(([a], [b]) => a - b);
};
