import { isCallbackOutcomeEvent, reduceBlobView, type CallbackOutcomeEvent, type DomainEvent } from '@imgrec/shared';
import type { ResultsRecord } from '../ports.js';

const isSameOutcome = (a: CallbackOutcomeEvent, b: CallbackOutcomeEvent): boolean =>
  a.detailType === b.detailType && JSON.stringify(a.detail) === JSON.stringify(b.detail);

/**
 * Applies one domain event to a blob's results record, or returns undefined when nothing changes.
 * The first event fixes the blob's owner, its tenant_id; no later event changes it. Lifecycle events go through
 * reduceBlobView; BlobRequested also gives the upload URL's expiry, kept beside the view. A callback outcome that
 * arrives before any lifecycle event (the results service lagged behind the webhooks service) cannot be shown yet, so
 * it is kept, once, and replayed through reduceBlobView as soon as the first lifecycle event builds the view.
 * BlobDeleted turns the record, whatever it held (nothing at all included), into a tombstone: the owner and the time
 * of the deletion. A tombstone is terminal: every later event, a result or a callback outcome that was still under
 * way included, is dropped, so a deleted blob never comes back. Never throws.
 */
export const reduceResultsRecord = (
  current: ResultsRecord | undefined,
  event: DomainEvent,
  now: string,
): ResultsRecord | undefined => {
  if (current?.deletedAt !== undefined) return undefined;
  const tenantId = current?.tenantId ?? event.detail.tenant_id;
  if (event.detailType === 'BlobDeleted') return { tenantId, deletedAt: event.detail.deleted_at };
  const expiresAt =
    current?.expiresAt ??
    (event.detailType === 'BlobRequested' ? new Date(event.detail.expires_at).toISOString() : undefined);
  const kept = expiresAt === undefined ? {} : { expiresAt };

  if (current?.view !== undefined) {
    const view = reduceBlobView(current.view, event, now);
    return view === undefined ? undefined : { tenantId, view, ...kept };
  }

  const early = current?.earlyCallbackOutcomes ?? [];
  if (isCallbackOutcomeEvent(event)) {
    if (early.some((seen) => isSameOutcome(seen, event))) return undefined;
    return { tenantId, earlyCallbackOutcomes: [...early, event] };
  }

  // Outcomes are replayed in arrival order; reduceBlobView orders them itself (delivered wins, the later failure wins).
  const view = early.reduce(
    (built, outcome) => reduceBlobView(built, outcome, now) ?? built,
    reduceBlobView(undefined, event, now),
  );
  return view === undefined ? undefined : { tenantId, view, ...kept };
};
