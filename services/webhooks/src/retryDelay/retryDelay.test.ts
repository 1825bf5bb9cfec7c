import { describe, expect, it } from '@jest/globals';
import { parseRetryAfter, retryDelaySeconds } from './retryDelay.js';

const now = new Date('2026-11-27T12:00:00.000Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('retryDelaySeconds', () => {
  it('adds up to 10 % jitter to the scheduled delay, never less than scheduled', () => {
    expect(retryDelaySeconds(300, () => 0)).toBe(300);
    expect(retryDelaySeconds(300, () => 0.5)).toBe(315);
    expect(retryDelaySeconds(300, () => 0.9999)).toBe(330);
  });

  it('never exceeds the 12-hour SQS visibility limit', () => {
    expect(retryDelaySeconds(43200, () => 0.9999)).toBe(43200);
  });

  it('honours a shorter Retry-After and caps a longer one at the scheduled delay', () => {
    expect(retryDelaySeconds(300, () => 0, 30)).toBe(30);
    expect(retryDelaySeconds(300, () => 0, 0)).toBe(0);
    expect(retryDelaySeconds(300, () => 0, 86400)).toBe(300);
  });
});
