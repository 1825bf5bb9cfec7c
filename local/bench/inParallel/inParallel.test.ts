import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { inParallel } from './inParallel.js';

describe('inParallel', () => {
  it('runs every index once, never more than the limit at a time', async () => {
    const seen: number[] = [];
    let running = 0;
    let mostRunning = 0;
    await inParallel(10, 3, async (index) => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await sleep(5);
      seen.push(index);
      running -= 1;
    });
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(mostRunning).toBe(3);
  });

  it('runs nothing for no work', async () => {
    let calls = 0;
    await inParallel(0, 4, async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
  });
});
