import { describe, expect, it } from '@jest/globals';
import { buildLogger, type DomainEvent } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import type { Context, S3Event } from 'aws-lambda';
import { buildSqliteUploadsRepository } from '../../src/adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import { buildHandler } from './handler.js';

const BLOB_ID = 'q1Xw3-_9ZkLmNoPqRsTuVw';

/** The notification S3 sends for a presigned PUT into the image bucket. */
const objectCreated = (key: string, size: number): S3Event => ({
  Records: [
    {
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
    },
  ],
});

const wiring = () => {
  const repository = buildSqliteUploadsRepository(openDatabase(':memory:'));
  const published: DomainEvent[] = [];
  const deleted: string[] = [];
  const logged: string[] = [];
  let publishFailures = 0;
  const handler = buildHandler(() => ({
    repository,
    publisher: {
      publish: async (...events) => {
        if (publishFailures > 0) {
          publishFailures -= 1;
          throw new Error('EventBridge PutEvents failed');
        }
        published.push(...events);
      },
    },
    deleteObject: async (key) => void deleted.push(key),
    log: buildLogger({}, { write: (line) => logged.push(line) }),
  }));
  return {
    repository,
    published,
    deleted,
    logged,
    /** The next `count` publishes fail, as a bus outage would make them. */
    failNextPublishes: (count: number) => (publishFailures = count),
    handle: (event: S3Event) => handler(event, {} as Context),
  };
};

const uploadRecord = {
  blob_id: BLOB_ID,
  tenant_id: 'tnt_a',
  content_type: 'image/jpeg' as const,
  options: { min_confidence: 55, max_labels: 20 },
  callback_url: 'https://hooks.example.com/imgrec',
  created_at: '2026-11-27T12:00:00.000Z',
  expires_at: '2026-11-27T12:10:00.000Z',
};

const FIFTEEN_MB = 15 * 1024 * 1024;

describe('onImageStored handler', () => {
  it('announces BlobCreated with the request facts, the owner and the stored size', async () => {
    const { repository, published, deleted, handle } = wiring();
    await repository.create(uploadRecord);

    await handle(objectCreated(BLOB_ID, 48_213));

    expect(published).toEqual([
      {
        detailType: 'BlobCreated',
        detail: {
          blob_id: BLOB_ID,
          tenant_id: 'tnt_a',
          key: BLOB_ID,
          size: 48_213,
          options: uploadRecord.options,
          callback_url: uploadRecord.callback_url,
          created_at: uploadRecord.created_at,
          stored_at: expect.any(String),
        },
      },
    ]);
    expect(deleted).toEqual([]);
  });

  it('announces a blob once, whether S3 repeats the notification or a second upload lands later', async () => {
    const { repository, published, handle } = wiring();
    await repository.create(uploadRecord);

    await handle(objectCreated(BLOB_ID, 48_213));
    await handle(objectCreated(BLOB_ID, 48_213));
    await handle(objectCreated(BLOB_ID, 90_000));

    expect(published).toHaveLength(1);
    expect(published[0]?.detail).toMatchObject({ size: 48_213 });
  });

  it('announces a stored blob whose announcement failed when the notification comes again, and then no more', async () => {
    const { repository, published, failNextPublishes, handle } = wiring();
    await repository.create(uploadRecord);
    failNextPublishes(1);

    await expect(handle(objectCreated(BLOB_ID, 48_213))).rejects.toThrow('EventBridge PutEvents failed');
    expect(await repository.get(BLOB_ID)).toMatchObject({ stored_at: expect.any(String) });
    await handle(objectCreated(BLOB_ID, 48_213));
    await handle(objectCreated(BLOB_ID, 48_213));

    expect(published).toHaveLength(1);
    expect(await repository.get(BLOB_ID)).toMatchObject({ announced_at: expect.any(String) });
  });

  it('deletes an image over 15 MB at once, and still announces it with its size so recognition fails it', async () => {
    const { repository, published, deleted, handle } = wiring();
    await repository.create(uploadRecord);

    await handle(objectCreated(BLOB_ID, FIFTEEN_MB + 1));

    expect(deleted).toEqual([BLOB_ID]);
    expect(published).toMatchObject([{ detailType: 'BlobCreated', detail: { size: FIFTEEN_MB + 1 } }]);
  });

  it('keeps an image of exactly 15 MB', async () => {
    const { repository, deleted, handle } = wiring();
    await repository.create(uploadRecord);

    await handle(objectCreated(BLOB_ID, FIFTEEN_MB));

    expect(deleted).toEqual([]);
  });

  it('ignores an object no blob was issued for, and says so in the log', async () => {
    const { published, logged, handle } = wiring();

    await handle(objectCreated('uploaded+by+hand.jpg', 10));

    expect(published).toEqual([]);
    expect(logged.map((line) => JSON.parse(line))).toMatchObject([
      { level: 'warn', message: 'object for an unknown blob ignored', key: 'uploaded by hand.jpg' },
    ]);
  });
});
