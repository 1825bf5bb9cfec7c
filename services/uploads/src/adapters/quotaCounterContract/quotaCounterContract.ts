import { describe, expect, it } from '@jest/globals';
import type { QuotaCounter } from '../../ports.js';

const DAY = '2026-11-27';

/** `calls` successive (not concurrent) counts, and what each answered. */
const consumeInTurn = async (counter: QuotaCounter, calls: number, tenantId = 'tnt_a', day = DAY, max = 3) => {
  const answers: boolean[] = [];
  for (let call = 0; call < calls; call += 1) answers.push(await counter.tryConsume(tenantId, day, max));
  return answers;
};

/**
 * The QuotaCounter port's contract: run it against every adapter (SQLite, DynamoDB) so that a tenant's daily quota
 * holds the same in both modes, under concurrent requests too.
 */
export const describeQuotaCounterContract = (adapter: string, build: () => QuotaCounter | Promise<QuotaCounter>) => {
  describe(`QuotaCounter contract: ${adapter}`, () => {
    it('counts blobs up to the quota, then refuses every further one', async () => {
      const counter = await build();
      expect(await consumeInTurn(counter, 5)).toEqual([true, true, true, false, false]);
    });

    it('counts each tenant on its own', async () => {
      const counter = await build();
      await consumeInTurn(counter, 3, 'tnt_a');
      expect(await consumeInTurn(counter, 1, 'tnt_b')).toEqual([true]);
    });

    it('starts every UTC day afresh', async () => {
      const counter = await build();
      await consumeInTurn(counter, 3, 'tnt_a', '2026-11-27');
      expect(await consumeInTurn(counter, 2, 'tnt_a', '2026-11-28')).toEqual([true, true]);
      expect(await consumeInTurn(counter, 1, 'tnt_a', '2026-11-27')).toEqual([false]);
    });

    it('applies a raised quota at once to what the day already counted', async () => {
      const counter = await build();
      await consumeInTurn(counter, 3, 'tnt_a', DAY, 3);
      expect(await consumeInTurn(counter, 2, 'tnt_a', DAY, 4)).toEqual([true, false]);
    });

    it('refuses every blob under a quota of none', async () => {
      const counter = await build();
      expect(await consumeInTurn(counter, 2, 'tnt_a', DAY, 0)).toEqual([false, false]);
    });

    it('lets exactly the quota through when requests arrive at once', async () => {
      const counter = await build();
      const answers = await Promise.all(Array.from({ length: 20 }, () => counter.tryConsume('tnt_a', DAY, 5)));
      expect(answers.filter(Boolean)).toHaveLength(5);
      expect(await counter.tryConsume('tnt_a', DAY, 5)).toBe(false);
    });
  });
};
