import { describe, expect, it } from '@jest/globals';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { buildS3ReadImageHead } from './s3ReadImageHead.js';

const BUCKET = 'imgrec-dev-images-123456789012-eu-west-1';

describe('buildS3ReadImageHead', () => {
  it('asks S3 for the first bytes only', async () => {
    const client = new S3Client({ region: 'eu-west-1' });
    const s3 = mockClient(client);
    s3.on(GetObjectCommand).rejects(new Error('not under test'));

    await buildS3ReadImageHead(client, { bucket: BUCKET })({ key: 'q1Xw3-_9ZkLmNoPqRsTuVw' }, 262_144).catch(
      () => undefined,
    );

    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: 'q1Xw3-_9ZkLmNoPqRsTuVw', Range: 'bytes=0-262143' },
    ]);
  });

  it('reads an empty object as no bytes when S3 refuses the range with 416, as it does for 0 bytes', async () => {
    const client = new S3Client({ region: 'eu-west-1' });
    mockClient(client)
      .on(GetObjectCommand)
      .rejects(
        new S3ServiceException({
          name: 'InvalidRange',
          $fault: 'client',
          $metadata: { httpStatusCode: 416 },
          message: 'The requested range is not satisfiable',
        }),
      );

    const { head, size } = await buildS3ReadImageHead(client, { bucket: BUCKET })({ key: 'empty' }, 1024);

    expect({ head: [...head], size }).toEqual({ head: [], size: 0 });
  });
});
