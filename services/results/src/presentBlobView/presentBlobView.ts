import type { BlobView } from '@imgrec/shared';
import type { OwnedView } from '../ports.js';

/**
 * Whether a blob is `expired`: still awaiting its upload once its upload URL expired. The stored status stays
 * `awaiting_upload` (nothing has to happen when the URL expires); readers work it out, and the list's status filters
 * use the same rule: expired exactly when `expiresAt <= now`.
 */
export const isExpired = (owned: Pick<OwnedView, 'view' | 'expiresAt'>, now: Date): boolean =>
  owned.view.status === 'awaiting_upload' &&
  owned.expiresAt !== undefined &&
  Date.parse(owned.expiresAt) <= now.getTime();

/** The GET body of a stored view as of `now`: the view itself, with status `expired` once {@link isExpired}. */
export const presentBlobView = (owned: Pick<OwnedView, 'view' | 'expiresAt'>, now: Date): BlobView =>
  isExpired(owned, now) ? { ...owned.view, status: 'expired' } : owned.view;
