import {
  CONTENT_TYPES,
  FEATURES,
  IMAGE_LIMITS,
  uploadRequestSchema,
  ValidationError,
  type UploadRequest,
} from '@imgrec/shared';

export type { UploadRequest };

const FIELD_RULES: Record<keyof UploadRequest, string> = {
  callback_url: 'callback_url must be an absolute URL of at most 2048 characters.',
  content_type: `content_type must be one of ${CONTENT_TYPES.join(', ')}.`,
  min_confidence: 'min_confidence must be a number from 0 to 100.',
  max_labels: 'max_labels must be an integer from 1 to 100.',
  content_length: `content_length must be the image's size in bytes, an integer from 1 to ${IMAGE_LIMITS.maxBytes}.`,
  features: `features must be a non-empty list of distinct features from ${FEATURES.join(', ')}.`,
};

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A declared size past the limit is the image's fault, not the field's: it gets the code recognition would give. */
const isTooLargeImage = (body: object): boolean =>
  'content_length' in body &&
  Number.isInteger(body.content_length) &&
  (body.content_length as number) > IMAGE_LIMITS.maxBytes;

/**
 * The validated body of `POST /blobs`. An absent body is an empty request.
 * @throws ValidationError `invalid_body` (not an object), `unknown_field`, `image_too_large` (a content_length past
 *   the 15 MB limit), or `invalid_<field>` naming the rule.
 */
export const parseUploadRequest = (body: unknown): UploadRequest => {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('invalid_body', 'The request body must be a JSON object.');
  }
  const parsed = uploadRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const unknown = parsed.error.issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown) {
    const fields = unknown.keys.map((key) => `"${key}"`).join(', ');
    throw new ValidationError(
      'unknown_field',
      `Unknown field ${fields}. Allowed: ${Object.keys(FIELD_RULES).join(', ')}.`,
    );
  }
  const field = parsed.error.issues[0]?.path[0] as keyof UploadRequest;
  if (field === 'content_length' && isTooLargeImage(body)) {
    throw new ValidationError('image_too_large', `Images may be at most 15 MB (${IMAGE_LIMITS.maxBytes} bytes).`);
  }
  throw new ValidationError(`invalid_${field}`, FIELD_RULES[field]);
};

/**
 * The Idempotency-Key header, if any.
 * @throws ValidationError `invalid_idempotency_key` for an empty, over-long or non-printable key.
 */
export const parseIdempotencyKey = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined;
  if (header.length === 0 || header.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(header)) {
    throw new ValidationError(
      'invalid_idempotency_key',
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.`,
    );
  }
  return header;
};
