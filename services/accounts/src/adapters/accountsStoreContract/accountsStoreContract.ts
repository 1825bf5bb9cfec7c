import { describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError } from '@imgrec/shared';
import { hashApiKey } from '../../apiKeys/apiKeys.js';
import type { AccountsStore, ApiKeyRecord, Tenant } from '../../ports.js';

export interface AccountsStoreHarness {
  store: AccountsStore;
}

const acme: Tenant = {
  tenant_id: 'tnt_a0000000000000000001',
  name: 'Acme Corp',
  status: 'active',
  max_blobs_per_day: 500,
  created_at: '2026-11-27T12:00:00.000Z',
};

const globex: Tenant = {
  tenant_id: 'tnt_b0000000000000000002',
  name: 'Globex',
  status: 'active',
  created_at: '2026-11-27T12:05:00.000Z',
};

const acmeKey: ApiKeyRecord = {
  key_id: 'key_00000000000000000001',
  tenant_id: acme.tenant_id,
  key_hash: hashApiKey('imgrec_sk_acme-first-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
  created_at: '2026-11-27T12:00:00.000Z',
};

const acmeExpiringKey: ApiKeyRecord = {
  key_id: 'key_00000000000000000002',
  tenant_id: acme.tenant_id,
  key_hash: hashApiKey('imgrec_sk_acme-second-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
  created_at: '2026-11-27T13:00:00.000Z',
  expires_at: '2027-11-27T13:00:00.000Z',
};

const globexKey: ApiKeyRecord = {
  key_id: 'key_00000000000000000003',
  tenant_id: globex.tenant_id,
  key_hash: hashApiKey('imgrec_sk_globex-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
  created_at: '2026-11-27T12:30:00.000Z',
};

const REVOKED_AT = '2026-11-28T09:00:00.000Z';

/**
 * The AccountsStore port's contract: run it against every adapter (SQLite, DynamoDB) so that tenants and keys
 * behave the same in both modes. `build` gives each test an empty store.
 */
export const describeAccountsStoreContract = (
  adapter: string,
  build: () => AccountsStoreHarness | Promise<AccountsStoreHarness>,
) => {
  describe(`AccountsStore contract: ${adapter}`, () => {
    describe('tenants', () => {
      it('reads back a created tenant, with or without a quota', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createTenant(globex);
        expect(await store.getTenant(acme.tenant_id)).toStrictEqual(acme);
        expect(await store.getTenant(globex.tenant_id)).toStrictEqual(globex);
      });

      it('keeps a quota of zero, which is not the same as no quota', async () => {
        const { store } = await build();
        await store.createTenant({ ...acme, max_blobs_per_day: 0 });
        expect((await store.getTenant(acme.tenant_id))?.max_blobs_per_day).toBe(0);
      });

      it('reads nothing for an unknown tenant', async () => {
        const { store } = await build();
        expect(await store.getTenant('tnt_f0000000000000000000')).toBeUndefined();
        expect(await store.listTenants()).toStrictEqual([]);
      });

      it('lists every tenant oldest first, whatever order they were created in', async () => {
        const { store } = await build();
        const sameMillisecond = { ...acme, tenant_id: 'tnt_a0000000000000000002', name: 'B' };
        await store.createTenant(globex);
        await store.createTenant(sameMillisecond);
        await store.createTenant(acme);
        expect(await store.listTenants()).toStrictEqual([acme, sameMillisecond, globex]);
      });

      it('refuses a second tenant with a taken id and keeps the first', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        const duplicate = store.createTenant({ ...acme, name: 'Impostor' });
        await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
        await expect(duplicate).rejects.toMatchObject({ code: 'tenant_exists' });
        expect(await store.getTenant(acme.tenant_id)).toStrictEqual(acme);
      });

      it('disables a tenant and answers with the tenant as stored', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createTenant(globex);
        expect(await store.setTenantStatus(acme.tenant_id, 'disabled')).toStrictEqual({
          ...acme,
          status: 'disabled',
        });
        expect(await store.getTenant(acme.tenant_id)).toStrictEqual({ ...acme, status: 'disabled' });
        expect(await store.getTenant(globex.tenant_id)).toStrictEqual(globex);
      });

      it('answers undefined when asked to change an unknown tenant, and creates nothing', async () => {
        const { store } = await build();
        expect(await store.setTenantStatus(acme.tenant_id, 'disabled')).toBeUndefined();
        expect(await store.listTenants()).toStrictEqual([]);
      });
    });

    describe('keys', () => {
      it('lists a tenant’s keys oldest first, and no other tenant’s', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createTenant(globex);
        await store.createKey(acmeExpiringKey);
        await store.createKey(globexKey);
        await store.createKey(acmeKey);
        expect(await store.listKeys(acme.tenant_id)).toStrictEqual([acmeKey, acmeExpiringKey]);
        expect(await store.listKeys(globex.tenant_id)).toStrictEqual([globexKey]);
      });

      it('lists no keys for a tenant without any, or an unknown one', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        expect(await store.listKeys(acme.tenant_id)).toStrictEqual([]);
        expect(await store.listKeys(globex.tenant_id)).toStrictEqual([]);
      });

      it('refuses a key for an unknown tenant with tenant_not_found, and stores nothing of it', async () => {
        const { store } = await build();
        const created = store.createKey(globexKey);
        await expect(created).rejects.toBeInstanceOf(NotFoundError);
        await expect(created).rejects.toMatchObject({ code: 'tenant_not_found' });
        expect(await store.findKeyByHash(globexKey.key_hash)).toBeUndefined();
        expect(await store.revokeKey(globexKey.key_id, REVOKED_AT)).toBeUndefined();
        expect(await store.listKeys(globex.tenant_id)).toStrictEqual([]);
      });

      it('refuses a key whose id or hash is taken, and keeps the first key as it was', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createKey(acmeKey);
        const sameId = { ...acmeExpiringKey, key_id: acmeKey.key_id };
        const sameHash = { ...acmeExpiringKey, key_hash: acmeKey.key_hash };
        for (const duplicate of [sameId, sameHash]) {
          await expect(store.createKey(duplicate)).rejects.toBeInstanceOf(ConflictError);
          await expect(store.createKey(duplicate)).rejects.toMatchObject({ code: 'key_exists' });
        }
        expect(await store.listKeys(acme.tenant_id)).toStrictEqual([acmeKey]);
        expect(await store.findKeyByHash(acmeKey.key_hash)).toStrictEqual({ key: acmeKey, tenant: acme });
        expect(await store.findKeyByHash(acmeExpiringKey.key_hash)).toBeUndefined();
      });

      it('revokes a key, and a second revocation keeps the first time', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createKey(acmeKey);
        await store.createKey(acmeExpiringKey);
        const revoked = { ...acmeKey, revoked_at: REVOKED_AT };
        expect(await store.revokeKey(acmeKey.key_id, REVOKED_AT)).toStrictEqual(revoked);
        expect(await store.revokeKey(acmeKey.key_id, '2026-11-29T09:00:00.000Z')).toStrictEqual(revoked);
        expect(await store.listKeys(acme.tenant_id)).toStrictEqual([revoked, acmeExpiringKey]);
      });

      it('answers undefined when asked to revoke an unknown key', async () => {
        const { store } = await build();
        expect(await store.revokeKey('key_00000000000000000000', REVOKED_AT)).toBeUndefined();
      });
    });

    describe('findKeyByHash', () => {
      it('finds the key and its tenant by the key’s hash', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createTenant(globex);
        await store.createKey(acmeExpiringKey);
        await store.createKey(globexKey);
        expect(await store.findKeyByHash(acmeExpiringKey.key_hash)).toStrictEqual({
          key: acmeExpiringKey,
          tenant: acme,
        });
        expect(await store.findKeyByHash(globexKey.key_hash)).toStrictEqual({ key: globexKey, tenant: globex });
      });

      it('finds nothing for a hash no key has', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createKey(acmeKey);
        expect(await store.findKeyByHash(hashApiKey('imgrec_sk_unknown'))).toBeUndefined();
      });

      it('still finds a revoked key, with its revocation, at the next read', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createKey(acmeKey);
        await store.revokeKey(acmeKey.key_id, REVOKED_AT);
        expect(await store.findKeyByHash(acmeKey.key_hash)).toStrictEqual({
          key: { ...acmeKey, revoked_at: REVOKED_AT },
          tenant: acme,
        });
      });

      it('still finds the key of a disabled tenant, with the tenant’s status, at the next read', async () => {
        const { store } = await build();
        await store.createTenant(acme);
        await store.createKey(acmeKey);
        await store.setTenantStatus(acme.tenant_id, 'disabled');
        expect(await store.findKeyByHash(acmeKey.key_hash)).toStrictEqual({
          key: acmeKey,
          tenant: { ...acme, status: 'disabled' },
        });
      });
    });
  });
};
