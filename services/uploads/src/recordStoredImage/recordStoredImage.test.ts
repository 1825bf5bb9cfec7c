import { beforeEach, describe, expect, it } from '@jest/globals';
import { createUpload } from '../createUpload/createUpload.js';
import { deleteBlob } from '../deleteBlob/deleteBlob.js';
import { TEST_CALLBACK_HOST, useLocalUploads } from '../testing/localUploads.js';
import { recordStoredImage } from './recordStoredImage.js';

const CREATED_AT = new Date('2026-11-27T12:00:00.000Z');
const STORED_AT = new Date('2026-11-27T12:00:30.000Z');
const FIFTEEN_MB = 15 * 1024 * 1024;
const CALLBACK_URL = `https://${TEST_CALLBACK_HOST}/imgrec`;

describe('recordStoredImage', () => {
  let clock: Date;
  const uploads = useLocalUploads(() => clock);

  beforeEach(() => {
    clock = CREATED_AT;
  });

  /** A blob as POST /blobs leaves it for the tenant: requested, its upload not yet landed. */
  const requestedBlob = async (): Promise<string> => {
    const { response } = await createUpload(
      {
        caller: { tenantId: 'tnt_acme', maxBlobsPerDay: undefined },
        request: { min_confidence: 55, callback_url: CALLBACK_URL },
        apiBaseUrl: 'https://api.example.com',
      },
      uploads.deps,
    );
    clock = STORED_AT;
    return response.blob_id;
  };

  const blobsCreated = () => uploads.published.filter(({ detailType }) => detailType === 'BlobCreated');

  it('announces BlobCreated with the request’s facts, its owner and the stored size, and records that it did', async () => {
    // Prepare
    const blobId = await requestedBlob();

    // Act
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);

    // Assess
    expect(blobsCreated()).toStrictEqual([
      {
        detailType: 'BlobCreated',
        detail: {
          blob_id: blobId,
          tenant_id: 'tnt_acme',
          key: blobId,
          size: 48_213,
          options: { min_confidence: 55, max_labels: 20, features: ['labels'] },
          callback_url: CALLBACK_URL,
          created_at: CREATED_AT.toISOString(),
          stored_at: STORED_AT.toISOString(),
        },
      },
    ]);
    expect(await uploads.deps.repository.get(blobId)).toMatchObject({
      stored_at: STORED_AT.toISOString(),
      announced_at: STORED_AT.toISOString(),
    });
    expect(uploads.deleted).toStrictEqual([]);
  });

  it('announces a blob once, whether S3 repeats the notification or a second upload lands later', async () => {
    // Prepare
    const blobId = await requestedBlob();
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);

    // Act
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);
    await recordStoredImage({ key: blobId, size: 90_000 }, uploads.deps);

    // Assess
    expect(blobsCreated()).toMatchObject([{ detail: { size: 48_213 } }]);
  });

  it('announces a stored blob whose announcement failed when the notification comes again, and then no more', async () => {
    // Prepare
    const blobId = await requestedBlob();
    const busDown = { ...uploads.deps, publisher: { publish: () => Promise.reject(new Error('PutEvents failed')) } };
    await expect(recordStoredImage({ key: blobId, size: 48_213 }, busDown)).rejects.toThrow('PutEvents failed');

    // Act
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);

    // Assess
    expect(blobsCreated()).toHaveLength(1);
    expect(await uploads.deps.repository.get(blobId)).toMatchObject({ announced_at: STORED_AT.toISOString() });
  });

  it('deletes an image over 15 MB at once, and still announces it with its size so recognition fails it', async () => {
    // Prepare
    const blobId = await requestedBlob();

    // Act
    await recordStoredImage({ key: blobId, size: FIFTEEN_MB + 1 }, uploads.deps);

    // Assess
    expect(uploads.deleted).toStrictEqual([blobId]);
    expect(blobsCreated()).toMatchObject([{ detail: { blob_id: blobId, size: FIFTEEN_MB + 1 } }]);
    expect(uploads.logs.lines).toMatchObject([
      { message: 'blob requested' },
      { level: 'INFO', message: 'image over the size limit deleted', tenant_id: 'tnt_acme', size: FIFTEEN_MB + 1 },
    ]);
  });

  it('keeps an image of exactly 15 MB', async () => {
    // Prepare
    const blobId = await requestedBlob();

    // Act
    await recordStoredImage({ key: blobId, size: FIFTEEN_MB }, uploads.deps);

    // Assess
    expect(uploads.deleted).toStrictEqual([]);
    expect(blobsCreated()).toHaveLength(1);
  });

  it('deletes an object no blob was issued for, announces nothing, and says so in the log', async () => {
    // Act
    await recordStoredImage({ key: 'uploaded by hand.jpg', size: 10 }, uploads.deps);

    // Assess
    expect(uploads.deleted).toStrictEqual(['uploaded by hand.jpg']);
    expect(uploads.published).toStrictEqual([]);
    expect(uploads.logs.lines).toMatchObject([
      { level: 'WARN', message: 'object for an unknown blob deleted', key: 'uploaded by hand.jpg', size: 10 },
    ]);
    expect(uploads.logs.lines[0]).not.toHaveProperty('tenant_id');
  });

  it('deletes an image uploaded after its blob was deleted, through a URL still valid, and announces nothing', async () => {
    // Prepare
    const blobId = await requestedBlob();
    await deleteBlob({ caller: { tenantId: 'tnt_acme' }, blobId }, uploads.deps);
    const deletedBefore = uploads.deleted.length;

    // Act
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);

    // Assess
    expect(uploads.deleted.slice(deletedBefore)).toStrictEqual([blobId]);
    expect(blobsCreated()).toStrictEqual([]);
    expect(await uploads.deps.repository.get(blobId)).toBeUndefined();
  });

  it('deletes an oversize object no blob was issued for once, not twice', async () => {
    // Act
    await recordStoredImage({ key: 'uploaded by hand.jpg', size: FIFTEEN_MB + 1 }, uploads.deps);

    // Assess
    expect(uploads.deleted).toStrictEqual(['uploaded by hand.jpg']);
    expect(uploads.published).toStrictEqual([]);
  });

  it('names the blob’s tenant on its log lines once the blob is known', async () => {
    // Prepare
    const blobId = await requestedBlob();
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);

    // Act
    await recordStoredImage({ key: blobId, size: 48_213 }, uploads.deps);

    // Assess
    expect(uploads.logs.lines.at(-1)).toMatchObject({
      level: 'INFO',
      message: 'object for a blob already announced ignored',
      tenant_id: 'tnt_acme',
      size: 48_213,
    });
  });
});
