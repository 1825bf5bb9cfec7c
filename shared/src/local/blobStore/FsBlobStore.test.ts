import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ImgrecError } from '../../errors/index.js';
import { openDatabase } from '../sqlite/openDatabase.js';
import { FsBlobStore, type StoredObject } from './FsBlobStore.js';

const store = (dataDir = mkdtempSync(join(tmpdir(), 'imgrec-blobs-'))) => {
  const notified: StoredObject[] = [];
  const blobStore = new FsBlobStore(openDatabase(join(dataDir, 'platform.db')), {
    dataDir,
    publicUrl: 'http://127.0.0.1:3000',
    signingSecret: Buffer.from('secret for tests'),
    notify: (object) => notified.push(object),
  });
  return { blobStore, notified, dataDir };
};

/** A PUT as the local server hands it over: `headers` default to what curl sends for `--upload-file`. */
const putThrough = (
  blobStore: FsBlobStore,
  url: string,
  body: Buffer,
  headers: { contentType?: string; contentLength?: number } = { contentLength: body.length },
) => {
  const parsed = new URL(url);
  return blobStore.receiveUpload({
    key: parsed.pathname.split('/').pop() ?? '',
    query: parsed.searchParams,
    contentType: headers.contentType,
    contentLength: headers.contentLength,
    body: Readable.from([body]),
  });
};

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof ImgrecError ? error.code : String(error);
  }
};

describe('FsBlobStore', () => {
  it('stores a plain upload through its presigned URL, asking for no header, and notifies once', async () => {
    const { blobStore, notified } = store();
    const { url, headers } = blobStore.presignUpload('blob1', 600);
    expect(headers).toEqual({});
    await putThrough(blobStore, url, Buffer.from('jpeg bytes'));
    expect(notified).toMatchObject([{ key: 'blob1', size: 10, contentType: 'application/octet-stream' }]);
    expect((await blobStore.read('blob1')).toString()).toBe('jpeg bytes');
    expect(await blobStore.readHead('blob1', 4)).toEqual({ head: Buffer.from('jpeg'), size: 10 });
  });

  it('refuses an expired URL', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 600, { now: new Date(Date.now() - 601_000) });
    expect(await refusal(putThrough(blobStore, url, Buffer.from('x')))).toBe('upload_url_expired');
  });

  it('records whatever Content-Type the upload declares, and refuses none', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 600);
    await putThrough(blobStore, url, Buffer.from('png?'), { contentType: 'text/plain', contentLength: 4 });
    expect(blobStore.find('blob1')).toMatchObject({ size: 4, contentType: 'text/plain' });
  });

  it('refuses a URL signed for another key', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 600);
    expect(await refusal(putThrough(blobStore, url.replace('blob1', 'blob2'), Buffer.from('x')))).toBe(
      'invalid_signature',
    );
  });

  it('binds a URL to the length it was made for, and asks for that Content-Length', async () => {
    const { blobStore, notified } = store();
    const { url, headers } = blobStore.presignUpload('blob1', 600, { contentLength: 5 });
    expect(headers).toEqual({ 'Content-Length': '5' });
    expect(await refusal(putThrough(blobStore, url, Buffer.from('four'), { contentLength: 4 }))).toBe(
      'content_length_mismatch',
    );
    expect(await refusal(putThrough(blobStore, url, Buffer.from('x'), { contentLength: undefined }))).toBe(
      'content_length_mismatch',
    );
    expect(
      await refusal(putThrough(blobStore, url.replace('content-length=5', 'content-length=4'), Buffer.from('four'))),
    ).toBe('invalid_signature');
    expect(notified).toEqual([]);
    expect(await refusal(putThrough(blobStore, url, Buffer.from('fives')))).toBe('accepted');
    expect(notified).toMatchObject([{ key: 'blob1', size: 5 }]);
  });

  it('refuses a body longer or shorter than its bound length, even under a matching header, and keeps nothing', async () => {
    const { blobStore, notified } = store();
    const { url } = blobStore.presignUpload('blob1', 600, { contentLength: 5 });
    for (const body of ['sixsix', 'four']) {
      expect(await refusal(putThrough(blobStore, url, Buffer.from(body), { contentLength: 5 }))).toBe(
        'content_length_mismatch',
      );
    }
    expect(notified).toEqual([]);
    expect(blobStore.find('blob1')).toBeUndefined();
  });

  it('stops reading past 15 MB and keeps nothing', async () => {
    const { blobStore, notified } = store();
    const { url } = blobStore.presignUpload('blob1', 600);
    const parsed = new URL(url);
    const oversized = blobStore.receiveUpload({
      key: 'blob1',
      query: parsed.searchParams,
      contentType: 'image/jpeg',
      contentLength: undefined,
      body: Readable.from([Buffer.alloc(8 * 1024 * 1024), Buffer.alloc(8 * 1024 * 1024)]),
    });
    expect(await refusal(oversized)).toBe('image_too_large');
    expect(await refusal(putThrough(blobStore, url, Buffer.from('x'), { contentLength: 16 * 1024 * 1024 }))).toBe(
      'image_too_large',
    );
    expect(notified).toEqual([]);
    expect(blobStore.find('blob1')).toBeUndefined();
  });

  it('lets only the first of two uploads win', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 600);
    const results = await Promise.all([
      refusal(putThrough(blobStore, url, Buffer.from('first'))),
      refusal(putThrough(blobStore, url, Buffer.from('second'))),
    ]);
    expect(results.sort()).toEqual(['accepted', 'already_uploaded']);
  });

  it('deletes an object and its record, and takes deleting a missing object calmly', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 600);
    await putThrough(blobStore, url, Buffer.from('bytes'));

    await blobStore.delete('blob1');

    expect(blobStore.find('blob1')).toBeUndefined();
    expect(await refusal(blobStore.read('blob1'))).toMatch(/ENOENT/);
    await expect(blobStore.delete('blob1')).resolves.toBeUndefined();
    expect(blobStore.recoverUnrecorded()).toEqual([]);
  });

  it('recovers an object whose record was lost in a crash', () => {
    const { dataDir } = store();
    writeFileSync(join(dataDir, 'objects', 'orphan'), 'bytes');
    const reopened = store(dataDir);
    expect(reopened.blobStore.recoverUnrecorded()).toEqual(['orphan']);
    expect(reopened.notified).toMatchObject([{ key: 'orphan', size: 5 }]);
    expect(reopened.blobStore.recoverUnrecorded()).toEqual([]);
  });

  it('sweeps the images stored before the retention deadline, and only those', async () => {
    const { blobStore, dataDir } = store();
    await putThrough(blobStore, blobStore.presignUpload('old', 600).url, Buffer.from('old bytes'));
    const deadline = new Date(Date.now() + 1);
    await new Promise((wait) => setTimeout(wait, 5));
    await putThrough(blobStore, blobStore.presignUpload('new', 600).url, Buffer.from('new bytes'));

    expect(await blobStore.sweepImages(deadline)).toEqual(['old']);

    expect(blobStore.find('old')).toBeUndefined();
    expect(existsSync(join(dataDir, 'objects', 'old'))).toBe(false);
    expect((await blobStore.read('new')).toString()).toBe('new bytes');
  });
});
