import { describe, expect, it } from '@jest/globals';
import { openDatabase } from '@imgrec/shared/local';
import { buildSqliteQuotaCounter } from './sqliteQuotaCounter.js';

describe('buildSqliteQuotaCounter', () => {
  it('forgets the counts of days before yesterday, so the table does not grow day after day', async () => {
    const db = openDatabase(':memory:');
    const counter = buildSqliteQuotaCounter(db);
    for (const day of ['2026-11-25', '2026-11-26', '2026-11-27']) await counter.tryConsume('tnt_a', day, 5);

    expect(db.prepare('SELECT day FROM quota_usage ORDER BY day').all()).toEqual([
      { day: '2026-11-26' },
      { day: '2026-11-27' },
    ]);
  });

  it('sweeps the counts of the days before the one it is given, and says how many it deleted', async () => {
    const db = openDatabase(':memory:');
    const counter = buildSqliteQuotaCounter(db);
    for (const day of ['2026-11-26', '2026-11-27']) {
      await counter.tryConsume('tnt_a', day, 5);
      await counter.tryConsume('tnt_b', day, 5);
    }

    expect(counter.sweep('2026-11-27')).toBe(2);

    expect(await counter.tryConsume('tnt_a', '2026-11-27', 2)).toBe(true);
    expect(await counter.tryConsume('tnt_a', '2026-11-27', 2)).toBe(false);
    expect(db.prepare('SELECT DISTINCT day FROM quota_usage').all()).toEqual([{ day: '2026-11-27' }]);
  });
});
