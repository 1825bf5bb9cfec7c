import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ImgrecApiError, ImgrecNetworkError, ImgrecTimeoutError } from '../../errors/errors.js';
import { startFakeApi } from '../../../test/fakeApi.js';
import { buildImgrecClient, type ImgrecClient } from './createImgrecClient.js';

const DOG = readFileSync(new URL('../../../fixtures/dog.jpg', import.meta.url));

const blob = (status: string) => ({
  blob_id: 'b1',
  status,
  options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
  created_at: '2026-11-28T20:00:00.000Z',
  updated_at: '2026-11-28T20:00:00.000Z',
  ...(status === 'succeeded' && { labels: ['dog'], label_details: [] }),
});
const notFound = { status: 404, body: { error: { code: 'blob_not_found', message: 'No blob b1.' } } };

describe('createImgrecClient', () => {
  let api: Awaited<ReturnType<typeof startFakeApi>> | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  const created = (url: string) => ({
    blob_id: 'b1',
    upload_url: `${url}/upload/b1?sig=x`,
    upload_method: 'PUT',
    upload_headers: { 'x-upload-check': 'yes' },
    expires_at: '2026-11-28T20:10:00.000Z',
    status_url: `${url}/blobs/b1`,
  });

  it('uploads: POST /blobs with the key and the type the bytes show, then PUT with the returned headers', async () => {
    api = await startFakeApi((request) =>
      request.method === 'POST' ? { status: 201, body: created(api?.url ?? '') } : { status: 200 },
    );
    const progress: unknown[] = [];
    const upload = await api.client.upload(DOG, {
      min_confidence: 40,
      idempotencyKey: 'once',
      onUploadProgress: (event) => progress.push(event),
    });
    expect(upload).toMatchObject({ blob_id: 'b1', postedAt: expect.any(Number) });
    const [post, put] = api.seen;
    expect(post).toMatchObject({ method: 'POST', path: '/blobs' });
    expect(post?.headers).toMatchObject({ authorization: 'Bearer imgrec_sk_test', 'idempotency-key': 'once' });
    expect(JSON.parse(String(post?.body))).toEqual({ min_confidence: 40, content_type: 'image/jpeg' });
    expect(put).toMatchObject({ method: 'PUT', path: '/upload/b1?sig=x' });
    expect(put?.headers['x-upload-check']).toBe('yes');
    expect(put?.headers.authorization).toBeUndefined();
    expect(put?.body.equals(DOG)).toBe(true);
    // Node has no XMLHttpRequest: progress comes once, at the end.
    expect(progress).toEqual([{ loaded: DOG.byteLength, total: DOG.byteLength }]);
  });

  it('uploads a Blob, and refuses a file path where no file can be read', async () => {
    api = await startFakeApi((request) =>
      request.method === 'POST' ? { status: 201, body: created(api?.url ?? '') } : { status: 200 },
    );
    await api.client.upload(new Blob([DOG]));
    expect(api.seen[1]?.body.equals(DOG)).toBe(true);
    await expect(api.client.upload('photo.jpg')).rejects.toThrow('a file path can only be read in Node');
  });

  it('waits through the 404s of a blob it created less than 10 s ago: aws mode has not seen it yet', async () => {
    api = await startFakeApi((request, index) => {
      if (request.method === 'POST') return { status: 201, body: created(api?.url ?? '') };
      if (request.method === 'PUT') return { status: 200 };
      return index < 4
        ? notFound
        : index < 5
          ? { status: 200, body: blob('processing') }
          : { status: 200, body: blob('succeeded') };
    });
    const result = await api.client.label(DOG, { initialPollMs: 10 });
    expect(result).toMatchObject({ status: 'succeeded', labels: ['dog'] });
    expect(api.seen.filter((request) => request.method === 'GET')).toHaveLength(4);
  });

  it('takes a 404 as final for a blob created more than 10 s ago, or by someone else', async () => {
    api = await startFakeApi(() => notFound);
    const error = await api.client.waitFor('b1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImgrecApiError);
    expect(error).toMatchObject({ status: 404, code: 'blob_not_found', message: 'No blob b1.' });
    await expect(api.client.waitFor('b1', { postedAt: Date.now() - 11_000 })).rejects.toThrow('No blob b1.');
    expect(api.seen).toHaveLength(2);
  });

  it('waits for Retry-After when polling is throttled', async () => {
    api = await startFakeApi((_request, index) =>
      index === 0
        ? {
            status: 429,
            body: { error: { code: 'too_many_requests', message: 'Slow down.' } },
            headers: { 'retry-after': '1' },
          }
        : { status: 200, body: blob('succeeded') },
    );
    await expect(api.client.waitFor('b1', { initialPollMs: 10 })).resolves.toMatchObject({ status: 'succeeded' });
    const [throttled, next] = api.seen;
    expect((next?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up after timeoutMs, saying the last status it saw', async () => {
    api = await startFakeApi(() => ({ status: 200, body: blob('processing') }));
    const error = await api.client
      .waitFor('b1', { timeoutMs: 200, initialPollMs: 20 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImgrecTimeoutError);
    expect(error).toMatchObject({ blobId: 'b1', lastStatus: 'processing' });
  });

  it('stops waiting when its signal aborts', async () => {
    api = await startFakeApi(() => ({ status: 200, body: blob('processing') }));
    const controller = new AbortController();
    const waiting = api.client.waitFor('b1', { signal: controller.signal, initialPollMs: 20 });
    setTimeout(() => controller.abort(new Error('enough')), 100);
    await expect(waiting).rejects.toThrow('enough');
  });

  it('carries the API’s code, status, message and Retry-After in its errors', async () => {
    api = await startFakeApi(() => ({
      status: 429,
      body: { error: { code: 'quota_exceeded', message: 'The daily quota is used up.' } },
      headers: { 'retry-after': '3600' },
    }));
    const error = await api.client.upload(DOG).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImgrecApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 'quota_exceeded',
      message: 'The daily quota is used up.',
      retryAfter: 3600,
    });
  });

  it('makes up a code from the status when an answer is not the API’s error body', async () => {
    api = await startFakeApi((request) =>
      request.method === 'POST' ? { status: 201, body: created(api?.url ?? '') } : { status: 403 },
    );
    await expect(api.client.upload(DOG)).rejects.toMatchObject({ status: 403, code: 'http_403' });
  });

  it('says so when the API cannot be reached', async () => {
    api = await startFakeApi(() => ({ status: 200 }));
    const { url } = api;
    await api.close();
    api = undefined;
    const client: ImgrecClient = buildImgrecClient({ apiUrl: url, apiKey: 'imgrec_sk_test' }, {});
    const error = await client.get('b1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImgrecNetworkError);
    expect((error as Error).message).toBe(`cannot reach ${url}: connection refused`);
  });

  it('repeats a GET, and a POST with an Idempotency-Key, whose connection dropped', async () => {
    api = await startFakeApi((request, index) => {
      if (index === 0 || index === 2) return { drop: true, status: 0 };
      if (request.method === 'POST') return { status: 201, body: created(api?.url ?? '') };
      return request.method === 'PUT' ? { status: 200 } : { status: 200, body: blob('succeeded') };
    });
    await expect(api.client.get('b1')).resolves.toMatchObject({ status: 'succeeded' });
    await expect(api.client.upload(DOG, { idempotencyKey: 'k1' })).resolves.toMatchObject({ blob_id: 'b1' });
    expect(api.seen.map((request) => request.method)).toEqual(['GET', 'GET', 'POST', 'POST', 'PUT']);
  });

  it('does not repeat a POST without an Idempotency-Key: it might create a second blob', async () => {
    api = await startFakeApi(() => ({ drop: true, status: 0 }));
    await expect(api.client.upload(DOG)).rejects.toBeInstanceOf(ImgrecNetworkError);
    expect(api.seen).toHaveLength(1);
  });

  it('takes a 409 to a repeated PUT as done: the first attempt landed before its connection dropped', async () => {
    api = await startFakeApi((request) => {
      if (request.method === 'POST') return { status: 201, body: created(api?.url ?? '') };
      return api?.seen.filter((seen) => seen.method === 'PUT').length === 1
        ? { drop: true, status: 0 }
        : { status: 409, body: { error: { code: 'already_uploaded', message: 'Uploaded already.' } } };
    });
    await expect(api.client.upload(DOG)).resolves.toMatchObject({ blob_id: 'b1' });
  });

  it('lists one page, iterates over every page, and deletes', async () => {
    api = await startFakeApi((request) => {
      if (request.method === 'DELETE') return { status: 204 };
      const cursor = new URL(request.path, 'http://x').searchParams.get('cursor');
      return cursor === null
        ? { status: 200, body: { data: [blob('succeeded')], next_cursor: 'page2' } }
        : { status: 200, body: { data: [{ ...blob('failed'), blob_id: 'b2' }], next_cursor: null } };
    });
    expect((await api.client.list({ status: 'succeeded', limit: 1 })).next_cursor).toBe('page2');
    expect(api.seen[0]?.path).toBe('/blobs?status=succeeded&limit=1');
    const ids: string[] = [];
    for await (const each of api.client.listAll({ limit: 1 })) ids.push(each.blob_id);
    expect(ids).toEqual(['b1', 'b2']);
    await expect(api.client.delete('b1')).resolves.toBeUndefined();
    expect(api.seen.at(-1)).toMatchObject({ method: 'DELETE', path: '/blobs/b1' });
  });
});
