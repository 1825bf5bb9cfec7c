import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createLogger } from '@imgrec/shared';
import { startS3Emulator } from '@imgrec/shared/aws/testing';
import { FsBlobStore, PrometheusMetrics, openDatabase, startLocalServer } from '@imgrec/shared/local';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildS3PresignUpload } from '../awsS3PresignUpload/awsS3PresignUpload.js';
import { describePresignUploadContract } from './presignUploadContract.js';

const BUCKET = 'imgrec-test-images';

/** The local blob store signs its public URL into every upload URL, so the server's port must be known first. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

describePresignUploadContract(
  'local blob store behind the local server',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-presign-'));
    const port = await freePort();
    const blobStore = new FsBlobStore(openDatabase(':memory:'), {
      dataDir,
      publicUrl: `http://127.0.0.1:${port}`,
      signingSecret: randomBytes(32),
      notify: () => undefined,
    });
    const server = await startLocalServer({
      port,
      host: '127.0.0.1',
      publicHosts: [],
      routes: [],
      blobStore,
      metrics: new PrometheusMetrics(),
      // The server logs each request; only its warnings and errors matter here.
      log: createLogger('local', { level: 'warn' }),
    });
    return {
      presignUpload: async (key, expiresInSeconds, contentLength) =>
        blobStore.presignUpload(key, expiresInSeconds, { contentLength }),
      readObject: async (key) => (blobStore.find(key) ? blobStore.read(key) : undefined),
      stop: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
  { checksSignatures: true },
);

describePresignUploadContract(
  'S3 (s3rver)',
  async () => {
    const s3 = await startS3Emulator([BUCKET]);
    return {
      presignUpload: buildS3PresignUpload(s3.client, { bucket: BUCKET }),
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
  },
  // s3rver accepts any SigV4 signature; awsS3PresignUpload.test.ts checks what the URL signs.
  { checksSignatures: false },
);
