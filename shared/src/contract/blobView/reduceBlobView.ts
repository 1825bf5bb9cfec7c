import { requestedFeatures, type BlobStatus, type BlobView, type CallbackState } from '../blob.js';
import type { DomainEvent } from '../../events/catalogue.js';
import type { LabelDetail } from '../labels.js';

type LifecycleEvent = Extract<
  DomainEvent,
  { detailType: 'BlobRequested' | 'BlobCreated' | 'LabelsDetected' | 'RecognitionFailed' }
>;

/** The webhooks service's report on a blob's callback: it carries only the blob id and delivery facts. */
export type CallbackOutcomeEvent = Extract<DomainEvent, { detailType: 'CallbackDelivered' | 'CallbackFailed' }>;

/** Whether an event reports on the callback rather than on the blob's own lifecycle. */
export const isCallbackOutcomeEvent = (event: DomainEvent): event is CallbackOutcomeEvent =>
  event.detailType === 'CallbackDelivered' || event.detailType === 'CallbackFailed';

const STATUS_OF_EVENT = {
  BlobRequested: 'awaiting_upload',
  BlobCreated: 'processing',
  LabelsDetected: 'succeeded',
  RecognitionFailed: 'failed',
} as const satisfies Record<LifecycleEvent['detailType'], BlobStatus>;

// Both outcomes share the last rank: once a blob has an outcome, no other event can replace it.
const STATUS_RANK: Record<BlobStatus, number> = {
  awaiting_upload: 0,
  processing: 1,
  succeeded: 2,
  failed: 2,
  // Never stored (it is worked out when served), but terminal like the outcomes.
  expired: 2,
};

/**
 * The `labels` list of the GET body from label details ranked best first: the detected names in that
 * order, then their parents in the order they are listed, lower case, each once. Parents come after every detected
 * name so that they never push a better-scored detection down the list. Producers can use it to fill the `labels`
 * of LabelsDetected; the view rebuilds it from `label_details` regardless.
 */
export const labelNamesOf = (details: readonly LabelDetail[]): string[] => {
  const names = [...details.map((detail) => detail.name), ...details.flatMap((detail) => detail.parents)];
  return [...new Set(names.map((name) => name.toLowerCase()))];
};

/**
 * `label_details` as the contract shows them: names and parents in lower case, best score first. The sort is
 * stable, so a producer that already ranks its labels keeps its order for ties.
 */
const normalizeLabelDetails = (details: readonly LabelDetail[]): LabelDetail[] =>
  details
    .map((detail) => ({
      ...detail,
      name: detail.name.toLowerCase(),
      parents: detail.parents.map((parent) => parent.toLowerCase()),
    }))
    .sort((a, b) => b.confidence - a.confidence);

const pendingCallback = (url: string): CallbackState => ({ url, status: 'pending', attempts: 0 });

/** What every lifecycle event carries; the first one seen fixes them for the life of the view. */
type FirstSeenFacts = Pick<BlobView, 'options' | 'callback' | 'created_at'>;

const firstSeenFactsOf = ({ detail }: LifecycleEvent): FirstSeenFacts => ({
  options: { ...detail.options, features: [...requestedFeatures(detail.options)] },
  ...(detail.callback_url !== undefined && { callback: pendingCallback(detail.callback_url) }),
  created_at: detail.created_at,
});

/** What recognition concluded, as the view shows it: labels or an error, and when. */
type Outcome = Pick<BlobView, 'labels' | 'label_details' | 'text' | 'faces' | 'model' | 'error' | 'completed_at'>;

const outcomeOf = (event: LifecycleEvent): Outcome => {
  switch (event.detailType) {
    case 'BlobRequested':
    case 'BlobCreated':
      return {};
    case 'LabelsDetected': {
      const { label_details, text, faces } = event.detail;
      const labelDetails = label_details === undefined ? undefined : normalizeLabelDetails(label_details);
      return {
        ...(labelDetails !== undefined && { labels: labelNamesOf(labelDetails), label_details: labelDetails }),
        ...(text !== undefined && { text }),
        ...(faces !== undefined && { faces }),
        model: event.detail.model,
        completed_at: event.detail.completed_at,
      };
    }
    case 'RecognitionFailed':
      return {
        ...(event.detail.model !== undefined && { model: event.detail.model }),
        error: event.detail.error,
        completed_at: event.detail.completed_at,
      };
  }
};

/** The view at this event's status; keys in the order of the contract, so stored and served JSON reads naturally. */
const buildView = (event: LifecycleEvent, facts: FirstSeenFacts, now: string): BlobView => {
  const { labels, label_details, text, faces, model, error, completed_at } = outcomeOf(event);
  return {
    blob_id: event.detail.blob_id,
    status: STATUS_OF_EVENT[event.detailType],
    ...(labels !== undefined && { labels }),
    ...(label_details !== undefined && { label_details }),
    ...(model !== undefined && { model }),
    ...(text !== undefined && { text }),
    ...(faces !== undefined && { faces }),
    options: facts.options,
    ...(error !== undefined && { error }),
    ...(facts.callback !== undefined && { callback: facts.callback }),
    created_at: facts.created_at,
    updated_at: now,
    ...(completed_at !== undefined && { completed_at }),
  };
};

const reduceLifecycle = (current: BlobView | undefined, event: LifecycleEvent, now: string): BlobView | undefined => {
  const eventFacts = firstSeenFactsOf(event);
  if (current === undefined) return buildView(event, eventFacts, now);

  if (STATUS_RANK[STATUS_OF_EVENT[event.detailType]] > STATUS_RANK[current.status]) {
    // Clients already saw created_at and options; the callback may have progressed since the first event.
    const callback = current.callback ?? eventFacts.callback;
    const kept = {
      options: current.options,
      ...(callback !== undefined && { callback }),
      created_at: current.created_at,
    };
    return buildView(event, kept, now);
  }

  // A duplicate or an overtaken event: it can only fill in what the view still lacks.
  if (current.callback === undefined && eventFacts.callback !== undefined) {
    return { ...current, callback: eventFacts.callback, updated_at: now };
  }
  return undefined;
};

const isLaterFailure = (incoming: CallbackOutcomeEvent['detail'], current: CallbackState): boolean => {
  const incomingAt = incoming.last_attempt_at === undefined ? undefined : Date.parse(incoming.last_attempt_at);
  const currentAt = current.last_attempt_at === undefined ? undefined : Date.parse(current.last_attempt_at);
  // A redrive may restart the attempt count, so the attempt time decides when both reports have one.
  if (incomingAt !== undefined && currentAt !== undefined && incomingAt !== currentAt) return incomingAt > currentAt;
  return incoming.attempts > current.attempts;
};

/**
 * Moves a callback forward: pending → delivered | failed, failed → delivered (a redrive from the DLQ succeeded),
 * failed → a later failure. Delivered is final, so a failure report that arrives after the success changes nothing.
 */
const reduceCallback = (current: CallbackState, event: CallbackOutcomeEvent): CallbackState | undefined => {
  if (current.status === 'delivered') return undefined;
  if (event.detailType === 'CallbackFailed' && current.status === 'failed' && !isLaterFailure(event.detail, current)) {
    return undefined;
  }
  const { attempts, last_attempt_at, last_status_code } = event.detail;
  return {
    url: current.url,
    status: event.detailType === 'CallbackDelivered' ? 'delivered' : 'failed',
    attempts,
    ...(last_attempt_at !== undefined && { last_attempt_at }),
    ...(last_status_code !== undefined && { last_status_code }),
  };
};

/**
 * Applies one domain event to a blob's read model (the GET body), or returns undefined when the event changes
 * nothing. Events may arrive duplicated and in any order, so the view only moves forward:
 * - status goes awaiting_upload → processing → succeeded | failed, and the first outcome to arrive is final;
 * - whichever lifecycle event comes first builds the whole view, since each one carries created_at, options and
 *   callback_url; a later-arriving earlier event only fills in a callback the view still lacks;
 * - callback outcomes need the view (they carry no blob facts), so on a view without a callback, or with no view at
 *   all, they return undefined. A caller that must not lose them keeps them until the view exists and applies them
 *   then (the results service does);
 * - a deletion is not the view's to show: the owner of the record forgets the blob (the results service keeps a
 *   tombstone), so BlobDeleted changes nothing here.
 * Every change sets `updated_at` to `now`. Never throws.
 */
export const reduceBlobView = (
  current: BlobView | undefined,
  event: DomainEvent,
  now: string,
): BlobView | undefined => {
  if (event.detailType === 'BlobDeleted') return undefined;
  if (!isCallbackOutcomeEvent(event)) return reduceLifecycle(current, event, now);
  if (current?.callback === undefined) return undefined;
  const callback = reduceCallback(current.callback, event);
  return callback === undefined ? undefined : { ...current, callback, updated_at: now };
};
