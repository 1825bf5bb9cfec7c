import { describe, expect, it } from '@jest/globals';
import { expiresAtEpochSeconds, retentionDeadline, retentionFromEnv } from './retention.js';

describe('retention', () => {
  it('keeps images 30 days and records 90 by default, and takes fractions of a day', () => {
    expect(retentionFromEnv({})).toEqual({ imageRetentionDays: 30, recordRetentionDays: 90 });
    expect(
      retentionFromEnv({ IMGREC_IMAGE_RETENTION_DAYS: '0.5', IMGREC_RECORD_RETENTION_DAYS: String(2 / 86_400) }),
    ).toEqual({ imageRetentionDays: 0.5, recordRetentionDays: 2 / 86_400 });
  });

  it.each(['0', '-1', 'forever', ''])('refuses %j, naming the setting', (raw) => {
    expect(() => retentionFromEnv({ IMGREC_RECORD_RETENTION_DAYS: raw })).toThrow('IMGREC_RECORD_RETENTION_DAYS');
  });

  it('tells the deadline before which things expired, and the TTL of a record', () => {
    const now = new Date('2026-11-28T12:00:00.000Z');
    expect(retentionDeadline(now, 30).toISOString()).toBe('2026-10-29T12:00:00.000Z');
    expect(expiresAtEpochSeconds('2026-11-28T12:00:00.000Z', 90)).toBe(Date.parse('2027-02-26T12:00:00.000Z') / 1000);
  });
});
