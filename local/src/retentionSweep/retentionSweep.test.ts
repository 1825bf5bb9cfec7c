import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@imgrec/shared';
import { captureLogs, type CapturedLogs } from '@imgrec/shared/testing';
import { startRetentionSweep, sweepOnce, type Sweeper } from './retentionSweep.js';

describe('the local retention sweep', () => {
  let logs: CapturedLogs;
  const log = createLogger('local', { level: 'info' });

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => {
    logs.restore();
    jest.useRealTimers();
  });

  it('hands every sweeper the same moment, and keeps sweeping when one fails', async () => {
    const seen: Date[] = [];
    const at = new Date('2027-03-01T00:00:00.000Z');
    const deleted = await sweepOnce({
      sweepers: {
        images: async (now) => (seen.push(now), 2),
        results: async () => {
          throw new Error('database is locked');
        },
        webhooks: async (now) => (seen.push(now), 0),
      },
      now: () => at,
      log,
    });
    expect(seen).toEqual([at, at]);
    expect(deleted).toEqual({ images: 2, webhooks: 0 });
    expect(logs.lines).toEqual([
      expect.objectContaining({ message: 'retention sweep failed', owner: 'results' }),
      expect.objectContaining({ message: 'retention sweep', deleted: { images: 2, webhooks: 0 } }),
    ]);
  });

  it('sweeps at start and then once per interval, on the clock it is given, until stopped', async () => {
    jest.useFakeTimers({ now: new Date('2027-03-01T00:00:00.000Z') });
    const moments: string[] = [];
    const sweep: Sweeper = async (now) => (moments.push(now.toISOString()), 0);
    const stop = startRetentionSweep({
      sweepers: { images: sweep },
      intervalMs: 3_600_000,
      now: () => new Date(),
      log,
    });

    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(3_600_000);
    await jest.advanceTimersByTimeAsync(3_600_000);
    stop();
    await jest.advanceTimersByTimeAsync(3_600_000 * 5);

    expect(moments).toEqual(['2027-03-01T00:00:00.000Z', '2027-03-01T01:00:00.000Z', '2027-03-01T02:00:00.000Z']);
  });
});
