/**
 * Base of every error that can reach a client. `code` is the stable, snake_case identifier clients branch on;
 * `statusCode` is the HTTP status it maps to. The message is human text and must never carry internals.
 */
export class ImgrecError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** Response headers the answer needs, such as `WWW-Authenticate` on a 401 or `Retry-After` on a 429. */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    message: string,
    statusCode: number,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = 'ImgrecError';
    this.code = code;
    this.statusCode = statusCode;
    this.headers = options?.headers ?? {};
  }
}

/** 400: the request does not match the contract. */
export class ValidationError extends ImgrecError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, 400, options);
    this.name = 'ValidationError';
  }
}

/** 404: the addressed resource does not exist (or is not visible to the caller). */
export class NotFoundError extends ImgrecError {
  constructor(code: string, message: string) {
    super(code, message, 404);
    this.name = 'NotFoundError';
  }
}

/** 401: the request carries no API key, or one that is malformed, unknown, expired, revoked or of a disabled tenant. */
export class ApiKeyError extends ImgrecError {
  constructor(code: 'missing_api_key' | 'invalid_api_key') {
    super(
      code,
      code === 'missing_api_key'
        ? 'Send your API key as "Authorization: Bearer imgrec_sk_…".'
        : 'The API key is not valid. Check it, or ask for a new one.',
      401,
      { headers: { 'www-authenticate': 'Bearer' } },
    );
    this.name = 'ApiKeyError';
  }
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends ImgrecError {
  constructor(code: string, message: string) {
    super(code, message, 409);
    this.name = 'ConflictError';
  }
}

/** 503: a dependency is not ready yet; the client may retry. */
export class UnavailableError extends ImgrecError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, 503, options);
    this.name = 'UnavailableError';
  }
}

/**
 * Recognition could not produce labels. `retryable` separates passing faults (throttling, a worker crash) from
 * final verdicts on the image (bad format, wrong size), which end the blob as `failed`.
 */
export class RecognitionError extends ImgrecError {
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(code, message, retryable ? 503 : 422, options);
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
