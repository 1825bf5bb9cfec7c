import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3Emulator } from '@imgrec/shared/aws/testing';
import { FsBlobStore, openDatabase } from '@imgrec/shared/local';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildS3ReadImageHead } from '../s3ReadImageHead/s3ReadImageHead.js';
import { describeReadImageHeadContract } from './readImageHeadContract.js';

const BUCKET = 'imgrec-test-images';

describeReadImageHeadContract('local blob store', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-head-'));
  const blobStore = new FsBlobStore(openDatabase(':memory:'), {
    dataDir,
    publicUrl: 'http://127.0.0.1:3000',
    signingSecret: randomBytes(32),
    notify: () => undefined,
  });
  return {
    readImageHead: (image, length) => blobStore.readHead(image.key, length),
    store: async (key, bytes) => {
      // Through a presigned upload, as every object in local mode arrives.
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
});

describeReadImageHeadContract('S3 (s3rver)', async () => {
  const s3 = await startS3Emulator([BUCKET]);
  return {
    readImageHead: buildS3ReadImageHead(s3.client, { bucket: BUCKET }),
    store: async (key, bytes) => {
      await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes, ContentType: 'image/jpeg' }));
    },
    stop: s3.stop,
  };
});
