/**
 * An error answer from the imgrec API (or from an upload URL): the HTTP status, the API's stable snake_case `code`
 * to branch on, its human `message`, and `retryAfter` (seconds) when the answer carried a `Retry-After` header.
 */
export class ImgrecApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait before the same request may succeed (429 `quota_exceeded`, 503), when the API said so. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, options?: { retryAfter?: number; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'ImgrecApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = options?.retryAfter;
  }
}

/** The API could not be reached at all: a refused connection, a DNS failure, a reset. `cause` holds fetch's error. */
export class ImgrecNetworkError extends Error {
  readonly url: string;

  constructor(url: string, options: { cause: unknown }) {
    super(`cannot reach ${url}: ${networkReason(options.cause)}`, options);
    this.name = 'ImgrecNetworkError';
    this.url = url;
  }
}

/** waitFor gave up: the blob did not reach a final status within `timeoutMs`. */
export class ImgrecTimeoutError extends Error {
  readonly blobId: string;
  /** The last status seen, or undefined when the blob never became visible. */
  readonly lastStatus: string | undefined;

  constructor(blobId: string, timeoutMs: number, lastStatus: string | undefined) {
    super(`blob ${blobId} did not finish within ${timeoutMs} ms (last status: ${lastStatus ?? 'not visible'})`);
    this.name = 'ImgrecTimeoutError';
    this.blobId = blobId;
    this.lastStatus = lastStatus;
  }
}

/**
 * Why fetch failed, in a few words: undici puts the system error (ECONNREFUSED, ENOTFOUND…) in `cause`, and browsers
 * say only "Failed to fetch".
 */
const networkReason = (error: unknown): string => {
  // Read structurally: the error may come from another realm (a test runner's VM), where instanceof fails.
  const outer = error as { cause?: unknown; message?: unknown } | undefined;
  const cause = (typeof outer?.cause === 'object' && outer.cause !== null ? outer.cause : outer) as
    { code?: unknown; message?: unknown } | undefined;
  const code = cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found (DNS lookup failed)',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  };
  if (typeof code === 'string') return known[code] ?? code;
  return typeof cause?.message === 'string' ? cause.message : String(cause);
};

/** Parses a Retry-After header: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export const parseRetryAfter = (value: string | null, now = Date.now()): number | undefined => {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
};

/**
 * The ImgrecApiError for a non-2xx response: the API's `{"error":{"code","message"}}` when the body is one, else a
 * code made from the status (an upload URL on S3 answers XML, a proxy HTML).
 */
export const apiErrorFrom = (response: Response, body: unknown): ImgrecApiError => {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  const options = retryAfter === undefined ? undefined : { retryAfter };
  if (typeof error?.code === 'string') {
    return new ImgrecApiError(response.status, error.code, String(error.message ?? error.code), options);
  }
  const reason =
    response.statusText === '' ? `HTTP ${response.status}` : `HTTP ${response.status} ${response.statusText}`;
  return new ImgrecApiError(response.status, `http_${response.status}`, reason, options);
};
