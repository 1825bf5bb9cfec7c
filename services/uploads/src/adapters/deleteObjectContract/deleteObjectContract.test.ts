import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3Emulator } from '@imgrec/shared/aws/testing';
import { FsBlobStore, openDatabase } from '@imgrec/shared/local';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildS3DeleteObject } from '../awsS3DeleteObject/awsS3DeleteObject.js';
import { describeDeleteObjectContract } from './deleteObjectContract.js';

const BUCKET = 'imgrec-test-images';

describeDeleteObjectContract('local blob store', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-delete-'));
  const blobStore = new FsBlobStore(openDatabase(':memory:'), {
    dataDir,
    publicUrl: 'http://127.0.0.1:3000',
    signingSecret: Buffer.from('secret for tests'),
    notify: () => undefined,
  });
  return {
    deleteObject: (key) => blobStore.delete(key),
    putObject: async (key, bytes) => {
      const { url } = blobStore.presignUpload(key, 600);
      await blobStore.receiveUpload({
        key,
        query: new URL(url).searchParams,
        contentType: undefined,
        contentLength: bytes.length,
        body: Readable.from([Buffer.from(bytes)]),
      });
    },
    readObject: async (key) => (blobStore.find(key) ? blobStore.read(key) : undefined),
    stop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

describeDeleteObjectContract('S3 (s3rver)', async () => {
  const s3 = await startS3Emulator([BUCKET]);
  return {
    deleteObject: buildS3DeleteObject(s3.client, { bucket: BUCKET }),
    putObject: async (key, bytes) => {
      await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
    },
    readObject: (key) =>
      s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then(
        (object) => object.Body?.transformToByteArray(),
        (error: Error) => {
          if (error.name === 'NoSuchKey') return undefined;
          throw error;
        },
      ),
    stop: s3.stop,
  };
});
