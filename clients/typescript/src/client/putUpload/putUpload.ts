import { ImgrecNetworkError, apiErrorFrom } from '../../errors/errors.js';

/** Bytes sent so far and the total, as an upload goes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface PutUploadRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | Blob;
  fetch: typeof fetch;
  onUploadProgress?: ((progress: UploadProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** The part of the browser's XMLHttpRequest this module uses; Node has none, and the lib here has no DOM types. */
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Uint8Array | Blob): void;
  abort(): void;
  getResponseHeader(name: string): string | null;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

const xhrConstructor = (): (new () => XhrLike) | undefined =>
  (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;

const sizeOf = (body: Uint8Array | Blob) => (body instanceof Uint8Array ? body.byteLength : body.size);

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * fetch cannot report upload progress, so a caller that asks for it in a browser gets an XMLHttpRequest PUT, whose
 * `upload.onprogress` can.
 */
const putWithXhr = (Xhr: new () => XhrLike, request: PutUploadRequest): Promise<void> =>
  new Promise((resolve, reject) => {
    const xhr = new Xhr();
    xhr.open('PUT', request.url);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    const total = sizeOf(request.body);
    xhr.upload.onprogress = (event) =>
      request.onUploadProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : total });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve();
        return;
      }
      const headers = new Headers();
      const retryAfter = xhr.getResponseHeader('retry-after');
      if (retryAfter !== null) headers.set('retry-after', retryAfter);
      const response = new Response(null, { status: xhr.status, statusText: xhr.statusText, headers });
      reject(apiErrorFrom(response, parseJson(xhr.responseText)));
    };
    xhr.onerror = () => reject(new ImgrecNetworkError(request.url, { cause: new Error('upload failed') }));
    xhr.onabort = () => reject(request.signal?.reason ?? new Error('upload aborted'));
    request.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(request.body);
  });

/**
 * PUTs the image to its upload URL with the headers the API listed. Progress is reported as it goes where the
 * platform can (XMLHttpRequest, in browsers); elsewhere once, when the upload is complete.
 * @throws ImgrecApiError when the upload URL answers other than 2xx (e.g. 409: already uploaded; 403: expired).
 * @throws ImgrecNetworkError when the upload URL cannot be reached, twice.
 */
export const putUpload = async (request: PutUploadRequest): Promise<void> => {
  const Xhr = xhrConstructor();
  if (request.onUploadProgress && Xhr) return putWithXhr(Xhr, request);
  const put = () =>
    request.fetch(request.url, {
      method: 'PUT',
      headers: request.headers,
      // Any Uint8Array is a body fetch takes; the DOM lib's type asks for one over an ArrayBuffer, which a Buffer
      // from readFile is not typed as.
      body: request.body as RequestInit['body'],
      signal: request.signal ?? null,
    });
  let response: Response;
  let repeated = false;
  try {
    response = await put();
  } catch (error) {
    if (request.signal?.aborted) throw error;
    // Once more after a dropped connection (a kept-alive socket the server closed as it was reused). If the first
    // attempt did land, the URL refuses a second upload with 409: the image is there, which is what was asked.
    repeated = true;
    response = await put().catch((again: unknown) => {
      if (request.signal?.aborted) throw again;
      throw new ImgrecNetworkError(request.url, { cause: again });
    });
  }
  if (!response.ok && !(repeated && response.status === 409)) {
    throw apiErrorFrom(response, parseJson(await response.text()));
  }
  // The body is small (or empty); reading it frees the connection for the next request.
  await response.arrayBuffer();
  const total = sizeOf(request.body);
  request.onUploadProgress?.({ loaded: total, total });
};
