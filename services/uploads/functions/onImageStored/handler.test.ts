import { describe, expect, it } from '@jest/globals';
import { lambdaContextOf } from '@imgrec/shared/testing';
import type { S3EventRecord } from 'aws-lambda';
import { createUpload } from '../../src/createUpload/createUpload.js';
import { useLocalUploads } from '../../src/testing/localUploads.js';
import { buildHandler } from './handler.js';

/** The record S3 sends for a presigned PUT into the image bucket; S3 URL-encodes the key, spaces as '+'. */
const objectCreated = (key: string, size: number): S3EventRecord => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'eu-west-1',
  eventTime: '2026-11-27T12:00:30.512Z',
  eventName: 'ObjectCreated:Put',
  userIdentity: { principalId: 'AWS:AROAEXAMPLEROLEID:imgrec-uploads-dev-createUpload' },
  requestParameters: { sourceIPAddress: '203.0.113.7' },
  responseElements: {
    'x-amz-request-id': 'C3D13FE58DE4C810',
    'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
  },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'imgrec-uploads-dev-onImageStored',
    bucket: {
      name: 'imgrec-dev-images-123456789012-eu-west-1',
      ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
      arn: 'arn:aws:s3:::imgrec-dev-images-123456789012-eu-west-1',
    },
    object: { key, size, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
  },
});

const context = lambdaContextOf('uploads', 'onImageStored');

describe('onImageStored handler', () => {
  const uploads = useLocalUploads(() => new Date('2026-11-27T12:00:30.000Z'));

  const handle = (...records: S3EventRecord[]) => buildHandler(() => uploads.deps)({ Records: records }, context);

  /** A blob of the tenant's, as POST /blobs leaves it: awaiting its upload. */
  const requestedBlob = async (tenantId: string): Promise<string> => {
    const { response } = await createUpload(
      { caller: { tenantId, maxBlobsPerDay: undefined }, request: {}, apiBaseUrl: 'https://api.example.com' },
      uploads.deps,
    );
    return response.blob_id;
  };

  const announced = () =>
    uploads.published.flatMap(({ detailType, detail }) => (detailType === 'BlobCreated' ? [detail] : []));

  it('announces every image of a notification, with its owner and stored size', async () => {
    const [acme, globex] = [await requestedBlob('tnt_acme'), await requestedBlob('tnt_globex')];

    await handle(objectCreated(acme, 48_213), objectCreated(globex, 90_000));

    expect(announced()).toMatchObject([
      { blob_id: acme, tenant_id: 'tnt_acme', key: acme, size: 48_213 },
      { blob_id: globex, tenant_id: 'tnt_globex', key: globex, size: 90_000 },
    ]);
  });

  it('reads the key as S3 encodes it, and deletes an object no blob was issued for', async () => {
    await handle(objectCreated('uploaded+by+hand.jpg', 10));

    expect(announced()).toStrictEqual([]);
    expect(uploads.deleted).toStrictEqual(['uploaded by hand.jpg']);
    expect(uploads.logs.lines.at(-1)).toMatchObject({
      level: 'WARN',
      message: 'object for an unknown blob deleted',
      key: 'uploaded by hand.jpg',
    });
  });

  it('logs each image’s lines with its own blob id and tenant, in the invocation’s Lambda context', async () => {
    const [acme, globex] = [await requestedBlob('tnt_acme'), await requestedBlob('tnt_globex')];
    await handle(objectCreated(acme, 48_213), objectCreated(globex, 90_000));
    const invocation = { function_name: context.functionName, function_request_id: context.awsRequestId };

    await handle(objectCreated(acme, 48_213), objectCreated(globex, 90_000));

    expect(uploads.logs.lines.slice(-2)).toMatchObject([
      { message: 'object for a blob already announced ignored', blob_id: acme, tenant_id: 'tnt_acme', ...invocation },
      {
        message: 'object for a blob already announced ignored',
        blob_id: globex,
        tenant_id: 'tnt_globex',
        ...invocation,
      },
    ]);
  });

  it('fails the invocation when BlobCreated cannot go out, so that the notification comes again', async () => {
    const blobId = await requestedBlob('tnt_acme');
    const handler = buildHandler(() => ({
      ...uploads.deps,
      publisher: { publish: () => Promise.reject(new Error('PutEvents failed')) },
    }));

    await expect(handler({ Records: [objectCreated(blobId, 48_213)] }, context)).rejects.toThrow('PutEvents failed');
    await handle(objectCreated(blobId, 48_213));

    expect(announced()).toMatchObject([{ blob_id: blobId }]);
  });
});
