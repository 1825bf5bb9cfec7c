import { isCallbackOutcomeEvent, reduceBlobView, type CallbackOutcomeEvent, type DomainEvent } from '@imgrec/shared';
import type { ResultsRecord } from '../ports.js';

const isSameOutcome = (a: CallbackOutcomeEvent, b: CallbackOutcomeEvent): boolean =>
  a.detailType === b.detailType && JSON.stringify(a.detail) === JSON.stringify(b.detail);

/**
 * Applies one domain event to a blob's results record, or returns undefined when nothing changes.
 * The first event fixes the blob's owner, its tenant_id; no later event changes it. Lifecycle events go through
 * reduceBlobView. A callback outcome that arrives before any lifecycle event (the
 * results service lagged behind the webhooks service) cannot be shown yet, so it is kept, once, and replayed through
 * reduceBlobView as soon as the first lifecycle event builds the view. Never throws.
 */
export const reduceResultsRecord = (
  current: ResultsRecord | undefined,
  event: DomainEvent,
  now: string,
): ResultsRecord | undefined => {
  const tenantId = current?.tenantId ?? event.detail.tenant_id;
  if (current?.view !== undefined) {
    const view = reduceBlobView(current.view, event, now);
    return view === undefined ? undefined : { tenantId, view };
  }

  const early = current?.earlyCallbackOutcomes ?? [];
  if (isCallbackOutcomeEvent(event)) {
    if (early.some((kept) => isSameOutcome(kept, event))) return undefined;
    return { tenantId, earlyCallbackOutcomes: [...early, event] };
  }

  // Outcomes are replayed in arrival order; reduceBlobView orders them itself (delivered wins, the later failure wins).
  const view = early.reduce(
    (built, outcome) => reduceBlobView(built, outcome, now) ?? built,
    reduceBlobView(undefined, event, now),
  );
  return view === undefined ? undefined : { tenantId, view };
};
