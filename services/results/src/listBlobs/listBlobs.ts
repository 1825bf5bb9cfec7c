import type { BlobStatus, BlobView } from '@imgrec/shared';
import { positionOf } from '../listPosition/listPosition.js';
import type { ResultsDeps } from '../ports.js';
import { presentBlobView } from '../presentBlobView/presentBlobView.js';

export interface ListBlobsRequest {
  tenantId: string;
  status?: BlobStatus;
  limit: number;
  /** The previous page's `next_cursor`. */
  cursor?: string;
}

/** The body of `GET /blobs`. */
export interface BlobList {
  /** Each blob exactly as `GET /blobs/{blob_id}` serves it. */
  data: BlobView[];
  /** The cursor of the next page, or null on the last. */
  next_cursor: string | null;
}

/**
 * One page of a tenant's blobs, newest first, each as GET serves it at this moment (`expired` worked out). The next
 * page starts after the last blob of this one, so blobs created meanwhile, which are newer, cause neither duplicates
 * nor gaps.
 * @throws ValidationError `invalid_cursor` for a cursor not issued to this tenant with this status filter.
 */
export const listBlobs = async (
  { repository, cursors, now }: Pick<ResultsDeps, 'repository' | 'cursors' | 'now'>,
  { tenantId, status, limit, cursor }: ListBlobsRequest,
): Promise<BlobList> => {
  const after = cursor === undefined ? undefined : await cursors.open(tenantId, cursor, status);
  const at = now();
  const { items, more } = await repository.list(tenantId, {
    limit,
    now: at,
    ...(status !== undefined && { status }),
    ...(after !== undefined && { after }),
  });
  const last = items.at(-1);
  return {
    data: items.map((item) => presentBlobView(item, at)),
    next_cursor:
      more && last !== undefined
        ? await cursors.seal(tenantId, { position: positionOf(last.view), ...(status !== undefined && { status }) })
        : null,
  };
};
