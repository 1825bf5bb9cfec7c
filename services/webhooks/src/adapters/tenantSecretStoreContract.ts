import { describe, expect, it } from '@jest/globals';
import { generateWebhookSecret } from '@imgrec/shared';
import type { TenantSecret, TenantSecretStore } from '../ports.js';

const T0 = Date.parse('2026-11-27T12:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

let ids = 0;
const newSecret = (createdAt: string, expiresAt?: string): TenantSecret => ({
  secret_id: `sec_${(ids += 1)}`,
  secret: generateWebhookSecret(),
  created_at: createdAt,
  ...(expiresAt !== undefined && { expires_at: expiresAt }),
});

export interface TenantSecretStoreFixture {
  store: TenantSecretStore;
  /** Everything the adapter keeps for the tenant, as it lies in the database (row or item), undefined if nothing. */
  raw(tenantId: string): Promise<unknown>;
}

/**
 * The TenantSecretStore port's contract: run it against every adapter (SQLite, and DynamoDB on dynalite) so they
 * all keep the rules signing and rotation rely on. `build` returns an empty store for each test.
 */
export const describeTenantSecretStoreContract = (
  adapter: string,
  build: () => TenantSecretStoreFixture | Promise<TenantSecretStoreFixture>,
) => {
  describe(`TenantSecretStore contract: ${adapter}`, () => {
    it('lists no secret for a tenant that has none', async () => {
      const { store, raw } = await build();
      expect(await store.list('tenant_a')).toEqual([]);
      expect(await raw('tenant_a')).toBeUndefined();
    });

    it('gives back an added secret as it was given', async () => {
      const { store } = await build();
      const secret = newSecret(at(0));
      await store.add('tenant_a', secret);
      expect(await store.list('tenant_a')).toEqual([secret]);
    });

    it('lists secrets newest first, whatever order they were added in', async () => {
      const { store } = await build();
      const [oldest, middle, newest] = [newSecret(at(0)), newSecret(at(1)), newSecret(at(2))];
      await store.add('tenant_a', middle);
      await store.add('tenant_a', newest);
      await store.add('tenant_a', oldest);
      expect((await store.list('tenant_a')).map((secret) => secret.secret_id)).toEqual([
        newest.secret_id,
        middle.secret_id,
        oldest.secret_id,
      ]);
    });

    it('retires the older secrets at the end of a rotation overlap, never later than they were due to expire', async () => {
      const { store } = await build();
      const current = newSecret(at(0));
      const leaving = newSecret(at(-2), at(3));
      const soonGone = newSecret(at(-1), at(10));
      await store.add('tenant_a', leaving);
      await store.add('tenant_a', soonGone);
      await store.add('tenant_a', current);
      const rotated = newSecret(at(1));
      await store.add('tenant_a', rotated, { retireOthersAt: at(5) });
      expect(await store.list('tenant_a')).toEqual([
        rotated,
        { ...current, expires_at: at(5) },
        { ...soonGone, expires_at: at(5) },
        leaving,
      ]);
    });

    it('leaves the other secrets as they are when the new one does not retire them', async () => {
      const { store } = await build();
      const first = newSecret(at(0));
      await store.add('tenant_a', first);
      const second = newSecret(at(1));
      await store.add('tenant_a', second);
      expect(await store.list('tenant_a')).toEqual([second, first]);
    });

    it('retires the others at once with an overlap of zero, and drops them at the next add', async () => {
      const { store } = await build();
      const first = newSecret(at(0));
      await store.add('tenant_a', first);
      const second = newSecret(at(1));
      await store.add('tenant_a', second, { retireOthersAt: at(1) });
      expect(await store.list('tenant_a')).toEqual([second, { ...first, expires_at: at(1) }]);
      const third = newSecret(at(2));
      await store.add('tenant_a', third, { retireOthersAt: at(26) });
      expect(await store.list('tenant_a')).toEqual([third, { ...second, expires_at: at(26) }]);
    });

    it('keeps both of two secrets added to one tenant at the same moment', async () => {
      const { store } = await build();
      const [a, b] = [newSecret(at(0)), newSecret(at(1))];
      await Promise.all([store.add('tenant_a', a), store.add('tenant_a', b)]);
      expect(await store.list('tenant_a')).toEqual([b, a]);
    });

    it('refuses a second secret with the same id', async () => {
      const { store } = await build();
      const secret = newSecret(at(0));
      await store.add('tenant_a', secret);
      await expect(store.add('tenant_a', { ...secret, secret: generateWebhookSecret() })).rejects.toThrow(
        secret.secret_id,
      );
      expect(await store.list('tenant_a')).toEqual([secret]);
    });

    it('keeps tenants apart: a rotation of one leaves the other untouched', async () => {
      const { store } = await build();
      const [a, b] = [newSecret(at(0)), newSecret(at(0))];
      await store.add('tenant_a', a);
      await store.add('tenant_b', b);
      const rotated = newSecret(at(1));
      await store.add('tenant_a', rotated, { retireOthersAt: at(1) });
      expect(await store.list('tenant_a')).toEqual([rotated, { ...a, expires_at: at(1) }]);
      expect(await store.list('tenant_b')).toEqual([b]);
      expect(await store.list('tenant_c')).toEqual([]);
    });

    it('stores only ciphertext: no secret appears in what the database holds', async () => {
      const { store, raw } = await build();
      const secrets = [newSecret(at(0)), newSecret(at(1), at(30))];
      for (const secret of secrets) await store.add('tenant_a', secret);
      const stored = JSON.stringify(await raw('tenant_a'));
      expect(stored).toContain(secrets[0]?.secret_id);
      for (const { secret } of secrets) {
        expect(stored).not.toContain(secret);
        // The key material alone, in the encodings it could be stored in.
        const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
        for (const encoding of ['base64', 'base64url', 'hex'] as const) {
          expect(stored).not.toContain(key.toString(encoding).replace(/=+$/, ''));
        }
      }
    });
  });
};
