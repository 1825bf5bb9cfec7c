import type { Clock, Logger } from '@imgrec/shared';

/** One owner's share of the sweep: deletes what expired by `now`, and says how many things it deleted. */
export type Sweeper = (now: Date) => Promise<number>;

export interface RetentionSweepOptions {
  /** What to sweep, by owner: the platform's images, each service's records and queue entries. */
  sweepers: Record<string, Sweeper>;
  intervalMs: number;
  now: Clock;
  log: Logger;
}

/**
 * Runs every sweeper once. One that fails is logged and the others still run: a locked database must not keep the
 * rest from expiring. Returns what each deleted.
 */
export const sweepOnce = async ({ sweepers, now, log }: Omit<RetentionSweepOptions, 'intervalMs'>) => {
  const at = now();
  const deleted: Record<string, number> = {};
  for (const [owner, sweep] of Object.entries(sweepers)) {
    try {
      deleted[owner] = await sweep(at);
    } catch (error) {
      log.error('retention sweep failed', { owner, error });
    }
  }
  if (Object.values(deleted).some((count) => count > 0)) log.info('retention sweep', { deleted });
  return deleted;
};

/**
 * Local mode's stand-in for the bucket's lifecycle rule and DynamoDB's TTL: sweeps at start, then every
 * `intervalMs`, one sweep at a time. The timer does not keep the process alive. Returns a function that stops it.
 */
export const startRetentionSweep = (options: RetentionSweepOptions): (() => void) => {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = () => {
    void sweepOnce(options).finally(() => {
      if (stopped) return;
      timer = setTimeout(run, options.intervalMs);
      timer.unref();
    });
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
};
