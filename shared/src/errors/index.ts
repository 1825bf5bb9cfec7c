/**
 * Base of every error imgrec raises on purpose. `code` is the stable, snake_case identifier clients and operators
 * branch on; the message is human text and never carries internals. Errors know nothing of HTTP: the HTTP layer maps
 * codes to statuses (shared/src/http/httpStatus).
 */
export class ImgrecError extends Error {
  readonly code: string;
  /** When the same request may succeed again, in seconds (an exhausted quota, a dependency still starting). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'ImgrecError';
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The request does not match the contract. */
export class ValidationError extends ImgrecError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ValidationError';
  }
}

/** The addressed resource does not exist, or is not the caller's to see. */
export class NotFoundError extends ImgrecError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'NotFoundError';
  }
}

/** No API key, or one that is malformed, unknown, expired, revoked or of a disabled tenant. */
export class ApiKeyError extends ImgrecError {
  constructor(code: 'missing_api_key' | 'invalid_api_key') {
    super(
      code,
      code === 'missing_api_key'
        ? 'Send your API key as "Authorization: Bearer imgrec_sk_…".'
        : 'The API key is not valid. Check it, or ask for a new one.',
    );
    this.name = 'ApiKeyError';
  }
}

/** The request conflicts with the current state. */
export class ConflictError extends ImgrecError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'ConflictError';
  }
}

/** A dependency is not ready or not reachable; the same request may succeed later. */
export class UnavailableError extends ImgrecError {
  constructor(code: string, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(code, message, options);
    this.name = 'UnavailableError';
  }
}

/**
 * A setting that is missing or malformed: the operator's to fix, never the client's. Raised when the setting is read,
 * which is once, at start (or a Lambda's cold start), so a bad deploy fails loudly instead of at the first request.
 */
export class ConfigError extends ImgrecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_config', message, options);
    this.name = 'ConfigError';
  }
}

/**
 * Recognition could not produce labels. `retryable` separates passing faults (throttling, a worker crash) from
 * final verdicts on the image (bad format, wrong size), which end the blob as `failed`.
 */
export class RecognitionError extends ImgrecError {
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RecognitionError';
    this.retryable = retryable;
  }
}

/** A final verdict on the uploaded bytes: not a JPEG/PNG, empty, too large, or out of the allowed dimensions. */
export class ImageRejectedError extends RecognitionError {
  constructor(code: ImageRejectionCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
    this.name = 'ImageRejectedError';
  }
}

export type ImageRejectionCode =
  'empty_image' | 'unsupported_image_format' | 'image_too_large' | 'image_dimensions_out_of_range';
