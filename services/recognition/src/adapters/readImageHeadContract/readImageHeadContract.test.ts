import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3Emulator } from '@imgrec/shared/aws/testing';
import { buildS3ReadImageHead } from '../s3ReadImageHead/s3ReadImageHead.js';
import { startTestBlobStore } from '../../testing/localBlobStore.js';
import { describeReadImageHeadContract } from './readImageHeadContract.js';

const BUCKET = 'imgrec-test-images';

describeReadImageHeadContract('local blob store', async () => {
  const { blobStore, store, stop } = startTestBlobStore();
  return { readImageHead: (image, length) => blobStore.readHead(image.key, length), store, stop };
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
