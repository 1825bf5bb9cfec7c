import type { BlobView } from '@imgrec/shared';
import type { ListPosition } from '../ports.js';

/**
 * A blob's place in its tenant's list. `created_at` is rewritten as `Date.prototype.toISOString` writes it (events
 * may carry other precisions), so that positions compare as strings the way the times they name do: that is how
 * both adapters sort and page.
 */
export const positionOf = (view: Pick<BlobView, 'blob_id' | 'created_at'>): ListPosition => ({
  createdAt: new Date(view.created_at).toISOString(),
  blobId: view.blob_id,
});
