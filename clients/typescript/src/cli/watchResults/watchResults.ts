import type { BlobResult, ImgrecClient } from '../../client/createImgrecClient/createImgrecClient.js';
import { ImgrecApiError } from '../../errors/errors.js';

export interface ResultWatcherOptions {
  /** How often the oldest pending blobs are polled. */
  tickMs?: number;
  /** Every pending blob is polled at least this often, whatever its place in the line. */
  maxPollMs?: number;
  signal?: AbortSignal;
}

export interface ResultWatcher {
  /** Resolves with the blob once its status is final; rejects with the API's error (a 404 outside the window…). */
  watch(blobId: string, postedAt: number): Promise<BlobResult>;
}

const FINAL_STATUSES: readonly string[] = ['succeeded', 'failed', 'expired'];
const NOT_VISIBLE_WINDOW_MS = 10_000;
/** Past the oldest unfinished blob, the rest of the line is most likely unfinished too. */
const OPEN_AHEAD = 1;

interface Pending {
  blobId: string;
  postedAt: number;
  polledAt: number;
  resolve: (blob: BlobResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Awaits many blobs with few polls: the API works through uploads roughly in the order they came, so each tick polls
 * the oldest pending blobs up to the first that is still unfinished, and the rest only every `maxPollMs`. A folder of
 * hundreds of images then costs a few GETs a tick rather than one per image, which would take CPU from the
 * recognizer on a local stack. Same rules as the client's waitFor: a 404 within 10 s of POST is "not visible yet", a
 * 429 or 503 pauses polling for its Retry-After.
 */
export const createResultWatcher = (client: ImgrecClient, options: ResultWatcherOptions = {}): ResultWatcher => {
  const { tickMs = 250, maxPollMs = 2000, signal } = options;
  const pending: Pending[] = [];
  // One tick at a time: a tick that takes longer than tickMs delays the next rather than overlapping it.
  let scheduled = false;
  let pausedUntil = 0;

  const settle = (entry: Pending, outcome: { blob?: BlobResult; error?: unknown }) => {
    pending.splice(pending.indexOf(entry), 1);
    if (outcome.blob) entry.resolve(outcome.blob);
    else entry.reject(outcome.error);
  };

  const tick = async () => {
    const now = Date.now();
    let open = 0;
    if (now >= pausedUntil) {
      for (const entry of [...pending]) {
        if (signal?.aborted) break;
        if (open >= OPEN_AHEAD && now - entry.polledAt < maxPollMs) continue;
        entry.polledAt = now;
        try {
          const blob = await client.get(entry.blobId, signal ? { signal } : {});
          if (FINAL_STATUSES.includes(blob.status)) settle(entry, { blob });
          else open += 1;
        } catch (error) {
          if (!(error instanceof ImgrecApiError)) {
            settle(entry, { error });
            continue;
          }
          if (error.status === 404 && Date.now() - entry.postedAt < NOT_VISIBLE_WINDOW_MS) open += 1;
          else if ((error.status === 429 || error.status === 503) && error.retryAfter !== undefined) {
            pausedUntil = Date.now() + error.retryAfter * 1000;
            break;
          } else settle(entry, { error });
        }
      }
    }
    scheduled = false;
    if (signal?.aborted) {
      for (const entry of [...pending]) settle(entry, { error: signal.reason });
      return;
    }
    schedule();
  };

  const schedule = () => {
    if (scheduled || pending.length === 0) return;
    scheduled = true;
    setTimeout(() => void tick(), tickMs);
  };

  return {
    watch: (blobId, postedAt) =>
      new Promise<BlobResult>((resolve, reject) => {
        pending.push({ blobId, postedAt, polledAt: 0, resolve, reject });
        schedule();
      }),
  };
};
