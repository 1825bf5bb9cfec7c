import { beforeEach, describe, expect, it } from '@jest/globals';
import { NotFoundError, newBlobId } from '@imgrec/shared';
import { createUpload } from '../createUpload/createUpload.js';
import { recordStoredImage } from '../recordStoredImage/recordStoredImage.js';
import { useLocalUploads } from '../testing/localUploads.js';
import { deleteBlob } from './deleteBlob.js';

const CREATED_AT = new Date('2026-11-27T12:00:00.000Z');
const DELETED_AT = new Date('2026-11-27T12:05:00.000Z');
const ACME = { tenantId: 'tnt_acme' };

describe('deleteBlob', () => {
  let clock: Date;
  const uploads = useLocalUploads(() => clock);

  beforeEach(() => {
    clock = CREATED_AT;
  });

  /** A blob of ACME's whose image landed and was announced, as the request under `idempotencyKey` left it. */
  const storedBlob = async (idempotencyKey?: string): Promise<string> => {
    const { response } = await createUpload(
      {
        caller: { ...ACME, maxBlobsPerDay: undefined },
        request: { max_labels: 3 },
        ...(idempotencyKey && { idempotencyKey }),
        apiBaseUrl: 'https://api.example.com',
      },
      uploads.deps,
    );
    await recordStoredImage({ key: response.blob_id, size: 48_213 }, uploads.deps);
    clock = DELETED_AT;
    return response.blob_id;
  };

  const deletions = () => uploads.published.filter(({ detailType }) => detailType === 'BlobDeleted');

  it('announces BlobDeleted for the blob’s tenant, then deletes its image and its record', async () => {
    // Prepare
    const blobId = await storedBlob();

    // Act
    await deleteBlob({ caller: ACME, blobId }, uploads.deps);

    // Assess
    expect(deletions()).toStrictEqual([
      {
        detailType: 'BlobDeleted',
        detail: { blob_id: blobId, tenant_id: 'tnt_acme', deleted_at: DELETED_AT.toISOString() },
      },
    ]);
    expect(uploads.deleted).toStrictEqual([blobId]);
    expect(await uploads.deps.repository.get(blobId)).toBeUndefined();
    expect(uploads.logs.lines.at(-1)).toMatchObject({ level: 'INFO', message: 'blob deleted' });
  });

  it('frees the Idempotency-Key the blob was created under: the same request then creates a new blob', async () => {
    // Prepare
    const blobId = await storedBlob('order-42');

    // Act
    await deleteBlob({ caller: ACME, blobId }, uploads.deps);

    // Assess
    const again = await createUpload(
      {
        caller: { ...ACME, maxBlobsPerDay: undefined },
        request: { max_labels: 3 },
        idempotencyKey: 'order-42',
        apiBaseUrl: 'https://api.example.com',
      },
      uploads.deps,
    );
    expect(again.replayed).toBe(false);
    expect(again.response.blob_id).not.toBe(blobId);
  });

  it('answers another tenant’s blob as one that does not exist, and deletes nothing', async () => {
    // Prepare
    const blobId = await storedBlob();
    const before = uploads.published.length;

    // Act
    const refused = deleteBlob({ caller: { tenantId: 'tnt_globex' }, blobId }, uploads.deps);

    // Assess
    await expect(refused).rejects.toStrictEqual(new NotFoundError('blob_not_found', `No blob has the id ${blobId}.`));
    expect(uploads.published).toHaveLength(before);
    expect(uploads.deleted).toStrictEqual([]);
    expect(await uploads.deps.repository.get(blobId)).toMatchObject({ tenant_id: 'tnt_acme' });
  });

  it('answers a blob already deleted, or never issued, with blob_not_found', async () => {
    // Prepare
    const blobId = await storedBlob();
    await deleteBlob({ caller: ACME, blobId }, uploads.deps);

    // Act
    const again = deleteBlob({ caller: ACME, blobId }, uploads.deps);
    const unknown = deleteBlob({ caller: ACME, blobId: newBlobId() }, uploads.deps);

    // Assess
    await expect(again).rejects.toMatchObject({ code: 'blob_not_found' });
    await expect(unknown).rejects.toMatchObject({ code: 'blob_not_found' });
    expect(deletions()).toHaveLength(1);
  });

  it('deletes nothing when BlobDeleted cannot go out, so that a retry finds the blob as it was', async () => {
    // Prepare
    const blobId = await storedBlob();
    const busDown = { ...uploads.deps, publisher: { publish: () => Promise.reject(new Error('PutEvents failed')) } };

    // Act
    const failed = deleteBlob({ caller: ACME, blobId }, busDown);

    // Assess
    await expect(failed).rejects.toThrow('PutEvents failed');
    expect(uploads.deleted).toStrictEqual([]);
    expect(await uploads.deps.repository.get(blobId)).toMatchObject({ announced_at: CREATED_AT.toISOString() });
  });

  it('keeps the record when the image cannot be deleted, so that a retry deletes both', async () => {
    // Prepare
    const blobId = await storedBlob();
    const storeDown = { ...uploads.deps, deleteObject: () => Promise.reject(new Error('S3 is away')) };
    await expect(deleteBlob({ caller: ACME, blobId }, storeDown)).rejects.toThrow('S3 is away');

    // Act
    await deleteBlob({ caller: ACME, blobId }, uploads.deps);

    // Assess
    expect(uploads.deleted).toStrictEqual([blobId]);
    expect(await uploads.deps.repository.get(blobId)).toBeUndefined();
    // Announced by both attempts: the consumers take the second as the first.
    expect(deletions().map(({ detail }) => detail.blob_id)).toStrictEqual([blobId, blobId]);
  });
});
