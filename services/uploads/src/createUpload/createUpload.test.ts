import { describe, expect, it } from '@jest/globals';
import { secondsUntilNextUtcDay } from './createUpload.js';

describe('secondsUntilNextUtcDay', () => {
  it.each([
    ['2026-11-27T00:00:00.000Z', 86_400],
    ['2026-11-27T12:00:00.000Z', 43_200],
    ['2026-11-27T23:59:58.500Z', 2],
    ['2026-11-27T23:59:59.999Z', 1],
    ['2026-12-31T23:00:00.000Z', 3_600],
    // Half past one in UTC+2 is still the day before in UTC.
    ['2026-11-27T01:30:00.000+02:00', 1_800],
  ])('counts the whole seconds from %s to midnight UTC, rounding up so a retry never comes early', (at, seconds) => {
    expect(secondsUntilNextUtcDay(new Date(at))).toBe(seconds);
  });
});
