import { afterEach, describe, expect, it } from '@jest/globals';
import { ImgrecApiError } from '../../errors/errors.js';
import { putUpload, type UploadProgress } from './putUpload.js';

/**
 * The browser's XMLHttpRequest as far as an upload uses it, answering from a script: Node has none, and fetch, which
 * Node has, cannot report upload progress.
 */
class ScriptedXhr {
  static answer = { status: 200, statusText: 'OK', body: '', retryAfter: null as string | null };
  static sent: { method: string; url: string; headers: Record<string, string>; size: number }[] = [];
  status = 0;
  statusText = '';
  responseText = '';
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private request = { method: '', url: '', headers: {} as Record<string, string> };

  open(method: string, url: string) {
    this.request = { method, url, headers: {} };
  }
  setRequestHeader(name: string, value: string) {
    this.request.headers[name] = value;
  }
  getResponseHeader(name: string) {
    return name.toLowerCase() === 'retry-after' ? ScriptedXhr.answer.retryAfter : null;
  }
  abort() {
    this.onabort?.();
  }
  send(body: Uint8Array | Blob) {
    const size = body instanceof Uint8Array ? body.byteLength : body.size;
    ScriptedXhr.sent.push({ ...this.request, size });
    setTimeout(() => {
      this.upload.onprogress?.({ loaded: size / 2, total: size, lengthComputable: true });
      this.upload.onprogress?.({ loaded: size, total: size, lengthComputable: true });
      Object.assign(this, {
        status: ScriptedXhr.answer.status,
        statusText: ScriptedXhr.answer.statusText,
        responseText: ScriptedXhr.answer.body,
      });
      this.onload?.();
    }, 1);
  }
}

const unreachable = (() => {
  throw new Error('fetch is not for this upload');
}) as unknown as typeof fetch;

describe('putUpload in a browser (XMLHttpRequest present)', () => {
  const global = globalThis as { XMLHttpRequest?: unknown };
  afterEach(() => {
    delete global.XMLHttpRequest;
    ScriptedXhr.sent = [];
    ScriptedXhr.answer = { status: 200, statusText: 'OK', body: '', retryAfter: null };
  });

  it('uploads with XMLHttpRequest when progress is asked for, and reports it as the bytes go', async () => {
    global.XMLHttpRequest = ScriptedXhr;
    const progress: UploadProgress[] = [];
    await putUpload({
      url: 'https://uploads.example.com/b1?sig=x',
      headers: { 'content-length': '1000' },
      body: new Uint8Array(1000),
      fetch: unreachable,
      onUploadProgress: (event) => progress.push(event),
    });
    expect(ScriptedXhr.sent).toEqual([
      { method: 'PUT', url: 'https://uploads.example.com/b1?sig=x', headers: { 'content-length': '1000' }, size: 1000 },
    ]);
    expect(progress).toEqual([
      { loaded: 500, total: 1000 },
      { loaded: 1000, total: 1000 },
    ]);
  });

  it('turns an error answer into ImgrecApiError, with the code of a JSON body and Retry-After', async () => {
    global.XMLHttpRequest = ScriptedXhr;
    ScriptedXhr.answer = {
      status: 409,
      statusText: 'Conflict',
      body: JSON.stringify({ error: { code: 'already_uploaded', message: 'This blob has its image.' } }),
      retryAfter: '5',
    };
    const error = await putUpload({
      url: 'https://uploads.example.com/b1',
      headers: {},
      body: new Blob(['x']),
      fetch: unreachable,
      onUploadProgress: () => undefined,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImgrecApiError);
    expect(error).toMatchObject({ status: 409, code: 'already_uploaded', retryAfter: 5 });
  });

  it('uses fetch when no progress is asked for', async () => {
    global.XMLHttpRequest = ScriptedXhr;
    const seen: string[] = [];
    const fetched = (async (url: string) => {
      seen.push(url);
      return new Response(null, { status: 200 });
    }) as unknown as typeof fetch;
    await putUpload({ url: 'https://uploads.example.com/b1', headers: {}, body: new Uint8Array(3), fetch: fetched });
    expect(seen).toEqual(['https://uploads.example.com/b1']);
    expect(ScriptedXhr.sent).toEqual([]);
  });
});
