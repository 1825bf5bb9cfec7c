import type { BlobView, CallbackOutcomeEvent, Clock } from '@imgrec/shared';

/**
 * What the results table holds for one blob. `tenantId` is the blob's owner, taken from the first event about the
 * blob (every event names it). `view` is the GET body, present once any lifecycle event arrived. Callback outcomes
 * carry no blob facts, so one that arrives before the view is kept in `earlyCallbackOutcomes` and applied when the
 * view appears; all of it lives in one record so that one conditional write covers it.
 */
export interface ResultsRecord {
  tenantId: string;
  view?: BlobView;
  earlyCallbackOutcomes?: CallbackOutcomeEvent[];
}

/** A blob's view and the tenant it belongs to, who alone may read it. */
export interface OwnedView {
  tenantId: string;
  view: BlobView;
}

/**
 * The read model's store. `apply` is a compare-and-set loop: read the record and its version, compute the change,
 * write it only if the version is still the one read, otherwise read again and recompute. Concurrent writers
 * therefore never overwrite each other's progress. Adapters: SQLite (local), DynamoDB with a condition on a
 * `version` attribute (aws).
 */
export interface ResultsRepository {
  /** The blob's view and owner, or undefined while no lifecycle event has reached the results service. */
  get(blobId: string): Promise<OwnedView | undefined>;
  /**
   * Writes `change(current)` unless it returns undefined (no change). `change` may run more than once, so it must
   * be pure. Resolves to the record as stored afterwards.
   * @throws Error when the record keeps changing under concurrent writers beyond a few attempts.
   */
  apply(
    blobId: string,
    change: (current: ResultsRecord | undefined) => ResultsRecord | undefined,
  ): Promise<ResultsRecord | undefined>;
}

/** Everything the results service's functions depend on; each narrows it with `Pick<>`. */
export interface ResultsDeps {
  repository: ResultsRepository;
  /** The time of every change: its `updated_at`. */
  now: Clock;
}
