import createClient from 'openapi-fetch';
import type { paths } from '../../generated/api.js';
import { ImgrecApiError, ImgrecNetworkError, ImgrecTimeoutError, apiErrorFrom } from '../../errors/errors.js';
import { putUpload, type UploadProgress } from '../putUpload/putUpload.js';
import { sniffImageType } from '../sniffImageType/sniffImageType.js';

/** The body of `POST /blobs`, as the API describes it. */
export type CreateBlobRequest = NonNullable<paths['/blobs']['post']['requestBody']>['content']['application/json'];
/** The answer to `POST /blobs`. */
export type CreatedBlob = paths['/blobs']['post']['responses'][201]['content']['application/json'];
/** A blob as `GET /blobs/{blob_id}` shows it. */
export type BlobResult = paths['/blobs/{blob_id}']['get']['responses'][200]['content']['application/json'];
/** One page of `GET /blobs`. */
export type BlobPage = paths['/blobs']['get']['responses'][200]['content']['application/json'];
export type BlobStatus = BlobResult['status'];
/** The query of `GET /blobs`. */
export type ListBlobsQuery = NonNullable<paths['/blobs']['get']['parameters']['query']>;

/** What can be uploaded: a file path (Node only), a Blob or File (browsers, and Node 20+), or the bytes. */
export type ImageInput = string | Blob | Uint8Array | ArrayBuffer;

export interface ImgrecClientOptions {
  /** The API's base URL, e.g. http://localhost:3000 or the stage's API Gateway URL. */
  apiUrl: string;
  /** An `imgrec_sk_…` API key. */
  apiKey: string;
  /** A fetch to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof fetch;
}

export interface UploadOptions extends CreateBlobRequest {
  /** Sent as `Idempotency-Key`: retrying the same upload with the same key returns the same blob. */
  idempotencyKey?: string;
  /**
   * Called as the bytes go up. In browsers it is served by XMLHttpRequest, the one browser API that reports upload
   * progress; elsewhere it is called once, when the upload is complete.
   */
  onUploadProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** The created blob, and when it was created (waitFor's "not visible yet" window runs from then). */
export interface Upload extends CreatedBlob {
  postedAt: number;
}

export interface WaitOptions {
  /** Give up after this long; 5 minutes by default. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The first pause between polls, growing by half each time up to `maxPollMs`; 200 ms and 2 s by default. */
  initialPollMs?: number;
  maxPollMs?: number;
  /**
   * When the blob was created (ms since the epoch), for a blob this client did not upload itself: a 404 within 10 s
   * of it means "not visible yet" rather than "unknown".
   */
  postedAt?: number;
}

export type LabelOptions = UploadOptions & Omit<WaitOptions, 'signal' | 'postedAt'>;

export interface ImgrecClient {
  /**
   * `POST /blobs`, then PUT the image to the returned upload URL with the returned `upload_headers`.
   * `content_type` defaults to what the image's first bytes show.
   * @throws ImgrecApiError for an API or upload URL error answer (400, 401, 409, 413, 429 with `retryAfter`…).
   * @throws ImgrecNetworkError when the API or the upload URL cannot be reached.
   * @throws TypeError for a file path outside Node.
   */
  upload(image: ImageInput, options?: UploadOptions): Promise<Upload>;
  /**
   * Polls `GET /blobs/{blob_id}` with backoff until the status is final (`succeeded`, `failed` or `expired`) and
   * returns the blob. A 404 within 10 s of the blob's creation is taken as "not visible yet" (aws mode's read model
   * learns of a blob a moment after POST); a 429 or 503 waits for its `Retry-After`.
   * @throws ImgrecTimeoutError after `timeoutMs`.
   * @throws ImgrecApiError for any other error answer (a 404 outside the window: an unknown or deleted blob).
   * @throws the signal's reason when it aborts.
   */
  waitFor(blobId: string, options?: WaitOptions): Promise<BlobResult>;
  /** upload, then waitFor: the blob's final state. A failed recognition is a result (`status: "failed"`), not a throw. */
  label(image: ImageInput, options?: LabelOptions): Promise<BlobResult>;
  /** `GET /blobs/{blob_id}`. @throws ImgrecApiError (404 `blob_not_found` for an unknown blob). */
  get(blobId: string, options?: { signal?: AbortSignal }): Promise<BlobResult>;
  /** One page of `GET /blobs`, newest first; pass its `next_cursor` as `cursor` for the next. */
  list(query?: ListBlobsQuery, options?: { signal?: AbortSignal }): Promise<BlobPage>;
  /** Every blob `GET /blobs` lists (optionally of one status), newest first, fetching pages as the loop goes. */
  listAll(query?: Omit<ListBlobsQuery, 'cursor'>, options?: { signal?: AbortSignal }): AsyncGenerator<BlobResult>;
  /** `DELETE /blobs/{blob_id}`. @throws ImgrecApiError (404 for an unknown or already deleted blob). */
  delete(blobId: string, options?: { signal?: AbortSignal }): Promise<void>;
}

/** What the platform adds: Node reads file paths; browsers have no files to read by path. */
export interface ClientPlatform {
  readFile?: (path: string) => Promise<Uint8Array>;
}

const FINAL_STATUSES: readonly string[] = ['succeeded', 'failed', 'expired'];
/** The aws-mode read model learns of a new blob from an event; until then GET answers 404. */
const NOT_VISIBLE_WINDOW_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Pauses before each retry of a repeatable request whose connection failed. */
const NETWORK_RETRY_DELAYS_MS = [100, 500];

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const toBody = (image: Uint8Array | ArrayBuffer | Blob): Uint8Array | Blob =>
  image instanceof ArrayBuffer ? new Uint8Array(image) : image;

const headOf = async (body: Uint8Array | Blob) =>
  body instanceof Uint8Array ? body.subarray(0, 8) : new Uint8Array(await body.slice(0, 8).arrayBuffer());

/**
 * The typed imgrec client for a given platform; `createImgrecClient` from `@imgrec/client` picks the platform (Node
 * or browser) for you.
 */
export const buildImgrecClient = (options: ImgrecClientOptions, platform: ClientPlatform): ImgrecClient => {
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const api = createClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: (request) => fetchImpl(request),
  });
  // When this client created each recent blob, for waitFor's "not visible yet" window; pruned as uploads go.
  const postedAt = new Map<string, number>();

  /**
   * Runs one openapi-fetch call, turning an unreachable API into ImgrecNetworkError and an error answer into
   * ImgrecApiError. A request that is safe to repeat (`retryable`: a GET, or a POST with an Idempotency-Key)
   * is retried after a connection failure: a kept-alive connection that the server closes just as it is reused fails
   * that way, and is no reason to fail the call.
   */
  const call = async <T>(
    request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
    signal: AbortSignal | undefined,
    retryable: boolean,
  ): Promise<T> => {
    let result: { data?: T; error?: unknown; response: Response };
    for (let attempt = 0; ; attempt += 1) {
      try {
        result = await request();
        break;
      } catch (error) {
        if (signal?.aborted) throw error;
        if (!retryable || attempt >= NETWORK_RETRY_DELAYS_MS.length) {
          throw new ImgrecNetworkError(baseUrl, { cause: error });
        }
        await sleep(NETWORK_RETRY_DELAYS_MS[attempt] ?? 0, signal);
      }
    }
    if (!result.response.ok) throw apiErrorFrom(result.response, result.error);
    return result.data as T;
  };

  const readImage = async (image: ImageInput): Promise<Uint8Array | Blob> => {
    if (typeof image !== 'string') return toBody(image);
    if (!platform.readFile) {
      throw new TypeError('a file path can only be read in Node: pass a Blob, a File or the bytes');
    }
    return platform.readFile(image);
  };

  const get: ImgrecClient['get'] = (blobId, callOptions) =>
    call(
      () => api.GET('/blobs/{blob_id}', { params: { path: { blob_id: blobId } }, signal: callOptions?.signal }),
      callOptions?.signal,
      true,
    );

  const upload: ImgrecClient['upload'] = async (image, uploadOptions = {}) => {
    const { idempotencyKey, onUploadProgress, signal, ...request } = uploadOptions;
    const body = await readImage(image);
    const contentType =
      request.content_type ??
      sniffImageType(await headOf(body)) ??
      (body instanceof Blob && (body.type === 'image/png' || body.type === 'image/jpeg') ? body.type : undefined);
    const created = await call(
      () =>
        api.POST('/blobs', {
          body: { ...request, ...(contentType && { content_type: contentType }) },
          ...(idempotencyKey !== undefined && { headers: { 'idempotency-key': idempotencyKey } }),
          signal,
        }),
      signal,
      idempotencyKey !== undefined,
    );
    const now = Date.now();
    for (const [id, at] of postedAt) if (now - at > NOT_VISIBLE_WINDOW_MS) postedAt.delete(id);
    postedAt.set(created.blob_id, now);
    await putUpload({
      url: created.upload_url,
      headers: created.upload_headers,
      body,
      fetch: fetchImpl,
      onUploadProgress,
      signal,
    });
    return { ...created, postedAt: now };
  };

  const waitFor: ImgrecClient['waitFor'] = async (blobId, waitOptions = {}) => {
    const { signal, timeoutMs = DEFAULT_TIMEOUT_MS, initialPollMs = 200, maxPollMs = 2000 } = waitOptions;
    const started = Date.now();
    const createdAt = waitOptions.postedAt ?? postedAt.get(blobId);
    let delay = initialPollMs;
    let lastStatus: string | undefined;
    for (;;) {
      let pause = delay;
      try {
        const blob = await get(blobId, { signal });
        if (FINAL_STATUSES.includes(blob.status)) {
          postedAt.delete(blobId);
          return blob;
        }
        lastStatus = blob.status;
      } catch (error) {
        if (!(error instanceof ImgrecApiError)) throw error;
        const notVisibleYet =
          error.status === 404 && createdAt !== undefined && Date.now() - createdAt < NOT_VISIBLE_WINDOW_MS;
        const toldToWait = (error.status === 429 || error.status === 503) && error.retryAfter !== undefined;
        if (!notVisibleYet && !toldToWait) throw error;
        if (toldToWait) pause = (error.retryAfter ?? 0) * 1000;
      }
      const left = started + timeoutMs - Date.now();
      if (left <= 0) throw new ImgrecTimeoutError(blobId, timeoutMs, lastStatus);
      await sleep(Math.min(pause, left), signal);
      delay = Math.min(delay * 1.5, maxPollMs);
    }
  };

  const list: ImgrecClient['list'] = (query = {}, callOptions) =>
    call(() => api.GET('/blobs', { params: { query }, signal: callOptions?.signal }), callOptions?.signal, true);

  return {
    upload,
    waitFor,
    get,
    list,
    label: async (image, labelOptions = {}) => {
      const { timeoutMs, initialPollMs, maxPollMs, ...uploadOptions } = labelOptions;
      const created = await upload(image, uploadOptions);
      return waitFor(created.blob_id, {
        postedAt: created.postedAt,
        ...(timeoutMs !== undefined && { timeoutMs }),
        ...(initialPollMs !== undefined && { initialPollMs }),
        ...(maxPollMs !== undefined && { maxPollMs }),
        ...(uploadOptions.signal && { signal: uploadOptions.signal }),
      });
    },
    listAll: async function* (query = {}, callOptions) {
      let cursor: string | undefined;
      do {
        const page = await list({ ...query, ...(cursor !== undefined && { cursor }) }, callOptions);
        yield* page.data;
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined);
    },
    delete: async (blobId, callOptions) => {
      await call(
        () => api.DELETE('/blobs/{blob_id}', { params: { path: { blob_id: blobId } }, signal: callOptions?.signal }),
        callOptions?.signal,
        // Not repeated: a DELETE that went through before its connection broke would answer 404 the second time.
        false,
      );
    },
  };
};
