import type { BlobStatus, BlobView, CallbackOutcomeEvent, Clock } from '@imgrec/shared';

/**
 * What the results table holds for one blob. `tenantId` is the blob's owner, taken from the first event about the
 * blob (every event names it). `view` is the GET body, present once any lifecycle event arrived. Callback outcomes
 * carry no blob facts, so one that arrives before the view is kept in `earlyCallbackOutcomes` and applied when the
 * view appears; all of it lives in one record so that one conditional write covers it. `expiresAt` is when the
 * blob's upload URL expires (from BlobRequested, as an ISO timestamp), which decides whether a blob still awaiting
 * its upload is served as `expired`.
 *
 * A deleted blob's record is a tombstone: its owner and `deletedAt`, nothing else. It is terminal (no later event
 * changes it) and serves nothing, until the record retention removes it.
 */
export interface ResultsRecord {
  tenantId: string;
  view?: BlobView;
  earlyCallbackOutcomes?: CallbackOutcomeEvent[];
  expiresAt?: string;
  deletedAt?: string;
}

/** A blob's view and the tenant it belongs to, who alone may read it, with what `expired` is worked out from. */
export interface OwnedView {
  tenantId: string;
  view: BlobView;
  expiresAt?: string;
}

/** A place in the list of a tenant's blobs, which is ordered by creation time, then blob id, newest first. */
export interface ListPosition {
  /** The blob's `created_at` as `Date.prototype.toISOString` writes it, so that strings sort as times. */
  createdAt: string;
  blobId: string;
}

export interface ListQuery {
  /** Only blobs served with this status (`expired` included); every blob when undefined. */
  status?: BlobStatus;
  limit: number;
  /** Only blobs after this position, i.e. older than the last blob of the previous page. */
  after?: ListPosition;
  /** What `expired` and the record retention are judged against. */
  now: Date;
}

export interface ListPage {
  /** At most `limit` blobs, newest first. */
  items: OwnedView[];
  /** Whether more blobs match after the last one. */
  more: boolean;
}

/**
 * The read model's store. `apply` is a compare-and-set loop: read the record and its version, compute the change,
 * write it only if the version is still the one read, otherwise read again and recompute. Concurrent writers
 * therefore never overwrite each other's progress. Every record is kept for the record retention after the blob was
 * created (a tombstone: after the deletion); readers treat one past that as gone, whether or not it was removed yet.
 * Adapters: SQLite (local), DynamoDB with a condition on a `version` attribute and a per-tenant index (aws).
 */
export interface ResultsRepository {
  /**
   * The blob's view and owner, or undefined while no lifecycle event has reached the results service, once the blob
   * was deleted, and once its record retention has passed at `now`.
   */
  get(blobId: string, now: Date): Promise<OwnedView | undefined>;
  /**
   * Writes `change(current)` unless it returns undefined (no change). `change` may run more than once, so it must
   * be pure. Resolves to the record as stored afterwards.
   * @throws Error when the record keeps changing under concurrent writers beyond a few attempts.
   */
  apply(
    blobId: string,
    change: (current: ResultsRecord | undefined) => ResultsRecord | undefined,
  ): Promise<ResultsRecord | undefined>;
  /**
   * A tenant's blobs that `get` would serve, newest first (created_at, then blob_id, both descending), matching the
   * query's status as served at `now`. Keyset pagination: a page starts after a position, so blobs created while a
   * client walks the pages (newer than any position) cause neither duplicates nor gaps.
   */
  list(tenantId: string, query: ListQuery): Promise<ListPage>;
}

/** Where a page of the list ends, and the status filter it was read with. */
export interface ListCursor {
  position: ListPosition;
  status?: BlobStatus;
}

/**
 * Turns a list position into the opaque `next_cursor` token and back. A token is bound to the tenant it was issued
 * to and to the status filter of its page.
 */
export interface ListCursors {
  seal(tenantId: string, cursor: ListCursor): Promise<string>;
  /**
   * The position a token holds.
   * @throws ValidationError `invalid_cursor` for a token this service did not issue to `tenantId` for `status`:
   *   forged, altered, truncated, another tenant's, or one issued with another status filter.
   */
  open(tenantId: string, token: string, status: BlobStatus | undefined): Promise<ListPosition>;
}

/** The source of the key list cursors are signed with: the data dir locally, Secrets Manager on AWS. */
export type SigningKey = () => Promise<Uint8Array>;

/** Everything the results service's functions depend on; each narrows it with `Pick<>`. */
export interface ResultsDeps {
  repository: ResultsRepository;
  cursors: ListCursors;
  /** The time of every change (its `updated_at`) and of every read (what is expired by then). */
  now: Clock;
}
