import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

const putThrough = (blobStore: FsBlobStore, url: string, body: Buffer, contentType = 'image/jpeg') => {
  const parsed = new URL(url);
  return blobStore.receiveUpload({
    key: parsed.pathname.split('/').pop() ?? '',
    query: parsed.searchParams,
    contentType,
    contentLength: body.length,
    body: Readable.from([body]),
  });
};

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof ImgrecError ? `${error.statusCode} ${error.code}` : String(error);
  }
};

describe('FsBlobStore', () => {
  it('stores an upload through its presigned URL and notifies once', async () => {
    const { blobStore, notified } = store();
    const { url, headers } = blobStore.presignUpload('blob1', 'image/jpeg', 600);
    expect(headers).toEqual({ 'Content-Type': 'image/jpeg' });
    await putThrough(blobStore, url, Buffer.from('jpeg bytes'));
    expect(notified).toMatchObject([{ key: 'blob1', size: 10 }]);
    expect((await blobStore.read('blob1')).toString()).toBe('jpeg bytes');
    expect(await blobStore.readHead('blob1', 4)).toEqual({ head: Buffer.from('jpeg'), size: 10 });
  });

  it('refuses an expired URL', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 'image/jpeg', 600, new Date(Date.now() - 601_000));
    expect(await refusal(putThrough(blobStore, url, Buffer.from('x')))).toBe('403 upload_url_expired');
  });

  it('refuses a URL signed for another key or type', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 'image/jpeg', 600);
    expect(await refusal(putThrough(blobStore, url.replace('blob1', 'blob2'), Buffer.from('x')))).toBe(
      '403 invalid_signature',
    );
    expect(await refusal(putThrough(blobStore, url.replace('image%2Fjpeg', 'image%2Fpng'), Buffer.from('x')))).toBe(
      '403 invalid_signature',
    );
  });

  it('stops reading past 15 MB and keeps nothing', async () => {
    const { blobStore, notified } = store();
    const { url } = blobStore.presignUpload('blob1', 'image/jpeg', 600);
    const parsed = new URL(url);
    const oversized = blobStore.receiveUpload({
      key: 'blob1',
      query: parsed.searchParams,
      contentType: 'image/jpeg',
      contentLength: undefined,
      body: Readable.from([Buffer.alloc(8 * 1024 * 1024), Buffer.alloc(8 * 1024 * 1024)]),
    });
    expect(await refusal(oversized)).toBe('413 image_too_large');
    expect(notified).toEqual([]);
    expect(blobStore.find('blob1')).toBeUndefined();
  });

  it('lets only the first of two uploads win', async () => {
    const { blobStore } = store();
    const { url } = blobStore.presignUpload('blob1', 'image/jpeg', 600);
    const results = await Promise.all([
      refusal(putThrough(blobStore, url, Buffer.from('first'))),
      refusal(putThrough(blobStore, url, Buffer.from('second'))),
    ]);
    expect(results.sort()).toEqual(['409 already_uploaded', 'accepted']);
  });

  it('recovers an object whose record was lost in a crash', () => {
    const { dataDir } = store();
    writeFileSync(join(dataDir, 'objects', 'orphan'), 'bytes');
    const reopened = store(dataDir);
    expect(reopened.blobStore.recoverUnrecorded()).toEqual(['orphan']);
    expect(reopened.notified).toMatchObject([{ key: 'orphan', size: 5 }]);
    expect(reopened.blobStore.recoverUnrecorded()).toEqual([]);
  });
});
