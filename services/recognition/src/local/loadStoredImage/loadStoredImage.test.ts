import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotFoundError } from '@imgrec/shared';
import { randomBytes } from 'node:crypto';
import { startTestBlobStore, type TestBlobStore } from '../../testing/localBlobStore.js';
import { buildLoadStoredImage } from './loadStoredImage.js';

const JPEG_START = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]);

describe('buildLoadStoredImage', () => {
  let store: TestBlobStore;

  beforeAll(() => {
    store = startTestBlobStore();
  });

  afterAll(async () => {
    await store.stop();
  });

  const newKey = () => randomBytes(16).toString('base64url');

  it('reads a stored image whole', async () => {
    const key = newKey();
    await store.store(key, JPEG_START);

    const bytes = await buildLoadStoredImage(store.blobStore)({ key });

    expect([...bytes]).toEqual([...JPEG_START]);
  });

  it('refuses an image deleted since it was stored with object_not_found', async () => {
    const key = newKey();
    await store.store(key, JPEG_START);
    await store.blobStore.delete(key);

    const loading = buildLoadStoredImage(store.blobStore)({ key });

    await expect(loading).rejects.toThrow(NotFoundError);
    await expect(loading).rejects.toMatchObject({ code: 'object_not_found' });
  });
});
