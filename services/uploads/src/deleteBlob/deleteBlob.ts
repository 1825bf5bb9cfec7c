import { NotFoundError, type Caller } from '@imgrec/shared';
import type { UploadsDeps } from '../ports.js';

export type DeleteBlobDeps = Pick<UploadsDeps, 'repository' | 'publisher' | 'deleteObject' | 'now' | 'log'>;

export interface DeleteBlobCommand {
  /** Who asks: only the blob's own tenant may delete it. */
  caller: Pick<Caller, 'tenantId'>;
  blobId: string;
}

/**
 * Deletes one of the caller's blobs: announces BlobDeleted, so that every other service forgets the blob, then
 * deletes its image and its record (with the Idempotency-Key it was created under). The announcement goes first, and
 * the record last, so that a crash at any step leaves the record for a retry of the DELETE to start again from; a
 * second BlobDeleted is harmless, consumers being idempotent. An upload that lands after this, through a URL still
 * valid, finds no record and is deleted as it lands. `deps.log` is expected to carry the blob_id and tenant_id.
 * @throws NotFoundError `blob_not_found` for a blob that does not exist, or is another tenant's: the two are
 *   answered alike, so a tenant cannot learn that an id is taken.
 */
export const deleteBlob = async (command: DeleteBlobCommand, deps: DeleteBlobDeps): Promise<void> => {
  const { caller, blobId } = command;
  const record = await deps.repository.get(blobId);
  if (record === undefined || record.tenant_id !== caller.tenantId) {
    throw new NotFoundError('blob_not_found', `No blob has the id ${blobId}.`);
  }
  await deps.publisher.publish({
    detailType: 'BlobDeleted',
    detail: { blob_id: blobId, tenant_id: record.tenant_id, deleted_at: deps.now().toISOString() },
  });
  // The image's key is the blob id.
  await deps.deleteObject(blobId);
  await deps.repository.delete(record);
  deps.log.info('blob deleted');
};
