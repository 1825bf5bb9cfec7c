import type { ImgrecError } from '../../errors/index.js';

/**
 * The HTTP status of every error code a client can receive, in one place: the error middleware of the Lambda
 * handlers and the local server answer with it. A code missing here is answered as a 500, so a test keeps every
 * code a handler raises listed.
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<string, number>> = {
  // The request does not match the contract.
  malformed_json: 400,
  invalid_body: 400,
  unknown_field: 400,
  invalid_callback_url: 400,
  invalid_content_type: 400,
  invalid_min_confidence: 400,
  invalid_max_labels: 400,
  invalid_features: 400,
  invalid_content_length: 400,
  invalid_idempotency_key: 400,
  invalid_blob_id: 400,
  invalid_status: 400,
  invalid_limit: 400,
  invalid_cursor: 400,
  // At POST, a declared content_length over the limit; the upload endpoint answers an oversized body with 413.
  image_too_large: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  forbidden: 403,
  invalid_signature: 403,
  upload_url_expired: 403,
  content_length_mismatch: 403,
  blob_not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  idempotency_key_reused: 409,
  already_uploaded: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  misdirected_request: 421,
  quota_exceeded: 429,
  internal_error: 500,
  auth_unavailable: 503,
  event_publish_failed: 503,
};

/** The status of an error's code; 500 for a code no client should ever see. */
export const httpStatusOf = (code: string): number => HTTP_STATUS_OF_CODE[code] ?? 500;

/**
 * The headers an error's answer needs: `WWW-Authenticate` on a 401, which tells the client what credentials to send,
 * and `Retry-After` when the error says when to try again.
 */
export const httpHeadersOf = (error: ImgrecError): Record<string, string> => ({
  ...(httpStatusOf(error.code) === 401 && { 'www-authenticate': 'Bearer' }),
  ...(error.retryAfterSeconds !== undefined && { 'retry-after': String(error.retryAfterSeconds) }),
});
