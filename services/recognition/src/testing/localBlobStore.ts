import { FsBlobStore, openDatabase } from '@imgrec/shared/local';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export interface TestBlobStore {
  blobStore: FsBlobStore;
  /** Stores an object through a presigned upload, as every object in local mode arrives. */
  store(key: string, bytes: Uint8Array): Promise<void>;
  /** Deletes the store's data dir. */
  stop(): Promise<void>;
}

/** The local blob store in a data dir of its own, with its object records in memory (tests only). */
export const startTestBlobStore = (): TestBlobStore => {
  const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-recognition-'));
  const blobStore = new FsBlobStore(openDatabase(':memory:'), {
    dataDir,
    publicUrl: 'http://127.0.0.1:3000',
    signingSecret: randomBytes(32),
    notify: () => undefined,
  });
  return {
    blobStore,
    store: async (key, bytes) => {
      const { url } = blobStore.presignUpload(key, 600);
      await blobStore.receiveUpload({
        key,
        query: new URL(url).searchParams,
        contentType: 'image/jpeg',
        contentLength: bytes.byteLength,
        body: Readable.from([Buffer.from(bytes)]),
      });
    },
    stop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
};
