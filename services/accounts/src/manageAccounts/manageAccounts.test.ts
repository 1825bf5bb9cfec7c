import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, ValidationError } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import { buildSqliteAccountsStore } from '../adapters/sqliteAccountsStore/sqliteAccountsStore.js';
import { generateApiKey, hashApiKey } from '../apiKeys/apiKeys.js';
import { authorizeApiKey } from '../authorizeApiKey/authorizeApiKey.js';
import type { AccountsStore } from '../ports.js';
import { manageAccounts, registerApiKey, type AccountsAdmin } from './manageAccounts.js';

const T0 = new Date('2026-11-27T12:00:00.000Z');

describe('manageAccounts', () => {
  let db: Database;
  let store: AccountsStore;
  let now: Date;
  let admin: AccountsAdmin;

  beforeEach(() => {
    db = openDatabase(':memory:');
    store = buildSqliteAccountsStore(db);
    now = T0;
    admin = manageAccounts({ store, now: () => now });
  });

  afterEach(() => {
    db.close();
  });

  const later = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };

  /** What the authorizer makes of a key right now. */
  const authorize = (apiKey: string) => authorizeApiKey(`Bearer ${apiKey}`, { store, now: () => now });

  describe('createTenant', () => {
    it('creates an active tenant with its quota and a first key that works at once', async () => {
      const created = await admin.createTenant({ name: 'Acme Corp', maxBlobsPerDay: 500 });

      expect(created.tenant).toStrictEqual({
        tenant_id: expect.stringMatching(/^tnt_[0-9a-f]{20}$/),
        name: 'Acme Corp',
        status: 'active',
        max_blobs_per_day: 500,
        created_at: T0.toISOString(),
      });
      expect(created.key_id).toMatch(/^key_[0-9a-f]{20}$/);
      expect(created.api_key).toMatch(/^imgrec_sk_[A-Za-z0-9_-]{43}$/);
      expect(await admin.listTenants()).toStrictEqual([created.tenant]);
      expect(await authorize(created.api_key)).toStrictEqual({
        tenant_id: created.tenant.tenant_id,
        key_id: created.key_id,
        max_blobs_per_day: 500,
      });
    });

    it('keeps only the key’s hash', async () => {
      const { api_key } = await admin.createTenant({ name: 'Acme Corp' });
      const stored = JSON.stringify(db.prepare('SELECT * FROM api_keys').all());
      expect(stored).not.toContain(api_key);
      expect(stored).not.toContain(api_key.slice('imgrec_sk_'.length));
      expect(stored).toContain(hashApiKey(api_key));
    });

    it('creates a tenant without a quota as unlimited, and a quota of zero as zero', async () => {
      const unlimited = await admin.createTenant({ name: 'Unlimited' });
      const blocked = await admin.createTenant({ name: 'Blocked', maxBlobsPerDay: 0 });
      expect(unlimited.tenant).not.toHaveProperty('max_blobs_per_day');
      expect(blocked.tenant.max_blobs_per_day).toBe(0);
    });

    it.each([
      ['one character', 'a'],
      ['letters of any script', 'Ünïcødé 株式会社'],
      ['100 characters outside the basic plane', '😀'.repeat(100)],
      ['punctuation', 'O’Brien & Sons, Ltd. (EU)'],
    ])('accepts a name of %s', async (_case, name) => {
      expect((await admin.createTenant({ name })).tenant.name).toBe(name);
    });

    it.each([
      ['an empty name', ''],
      ['only spaces', '   '],
      ['101 characters', 'a'.repeat(101)],
      ['a line break', 'Acme\nCorp'],
      ['a tab', 'Acme\tCorp'],
      ['a NUL', 'Acme\u0000'],
      ['an escape sequence', '\u001b[31mAcme'],
      ['a right-to-left override', 'Acme\u202Egnp.exe'],
      ['a zero-width space', 'Ac\u200Bme'],
    ])('refuses %s with invalid_tenant_name and creates nothing', async (_case, name) => {
      const created = admin.createTenant({ name });
      await expect(created).rejects.toBeInstanceOf(ValidationError);
      await expect(created).rejects.toMatchObject({ code: 'invalid_tenant_name' });
      expect(await admin.listTenants()).toStrictEqual([]);
    });

    it.each([
      ['negative', -1],
      ['fractional', 1.5],
      ['NaN', Number.NaN],
      ['infinite', Number.POSITIVE_INFINITY],
      ['beyond a safe integer', 2 ** 53],
    ])('refuses a %s quota with invalid_max_blobs_per_day and creates nothing', async (_case, maxBlobsPerDay) => {
      const created = admin.createTenant({ name: 'Acme Corp', maxBlobsPerDay });
      await expect(created).rejects.toBeInstanceOf(ValidationError);
      await expect(created).rejects.toMatchObject({ code: 'invalid_max_blobs_per_day' });
      expect(await admin.listTenants()).toStrictEqual([]);
    });
  });

  describe('createApiKey', () => {
    it('issues another key for the tenant; both work', async () => {
      const { tenant, api_key: first } = await admin.createTenant({ name: 'Acme Corp' });
      later(60);
      const second = await admin.createApiKey(tenant.tenant_id);

      expect(second.api_key).not.toBe(first);
      expect(await authorize(second.api_key)).toMatchObject({ tenant_id: tenant.tenant_id, key_id: second.key_id });
      expect(await authorize(first)).toMatchObject({ tenant_id: tenant.tenant_id });
      expect((await admin.listKeys(tenant.tenant_id))[1]).toStrictEqual({
        key_id: second.key_id,
        tenant_id: tenant.tenant_id,
        created_at: '2026-11-27T12:01:00.000Z',
      });
    });

    it('issues a key that works until it expires', async () => {
      const { tenant } = await admin.createTenant({ name: 'Acme Corp' });
      const expiresAt = new Date('2026-12-27T12:00:00.000Z');
      const { key_id, api_key } = await admin.createApiKey(tenant.tenant_id, { expiresAt });

      expect((await admin.listKeys(tenant.tenant_id)).find((key) => key.key_id === key_id)).toStrictEqual({
        key_id,
        tenant_id: tenant.tenant_id,
        created_at: T0.toISOString(),
        expires_at: expiresAt.toISOString(),
      });
      expect(await authorize(api_key)).toMatchObject({ key_id });
      now = expiresAt;
      expect(await authorize(api_key)).toStrictEqual({ auth_error: 'invalid_api_key' });
    });

    it.each([
      ['now', T0],
      ['in the past', new Date('2026-11-26T12:00:00.000Z')],
      ['an invalid date', new Date('tomorrow')],
    ])('refuses an expiry %s with invalid_expires_at', async (_case, expiresAt) => {
      const { tenant } = await admin.createTenant({ name: 'Acme Corp' });
      const created = admin.createApiKey(tenant.tenant_id, { expiresAt });
      await expect(created).rejects.toBeInstanceOf(ValidationError);
      await expect(created).rejects.toMatchObject({ code: 'invalid_expires_at' });
      expect(await admin.listKeys(tenant.tenant_id)).toHaveLength(1);
    });

    it.each([
      ['an unknown tenant', 'tnt_f0000000000000000000'],
      ['an id no tenant can have', '../etc'],
      ['an empty id', ''],
    ])('refuses %s with tenant_not_found', async (_case, tenantId) => {
      const created = admin.createApiKey(tenantId);
      await expect(created).rejects.toBeInstanceOf(NotFoundError);
      await expect(created).rejects.toMatchObject({ code: 'tenant_not_found' });
    });

    it('refuses a disabled tenant with tenant_disabled, since its keys would never work', async () => {
      const { tenant } = await admin.createTenant({ name: 'Acme Corp' });
      await admin.disableTenant(tenant.tenant_id);
      const created = admin.createApiKey(tenant.tenant_id);
      await expect(created).rejects.toBeInstanceOf(ConflictError);
      await expect(created).rejects.toMatchObject({ code: 'tenant_disabled' });
      expect(await admin.listKeys(tenant.tenant_id)).toHaveLength(1);
    });
  });

  describe('listTenants and listKeys', () => {
    it('lists tenants oldest first', async () => {
      const first = await admin.createTenant({ name: 'First' });
      later(1);
      const second = await admin.createTenant({ name: 'Second' });
      expect(await admin.listTenants()).toStrictEqual([first.tenant, second.tenant]);
    });

    it('lists a tenant’s keys oldest first, revoked ones included, without their hashes', async () => {
      const { tenant, key_id: first } = await admin.createTenant({ name: 'Acme Corp' });
      later(1);
      const second = await admin.createApiKey(tenant.tenant_id);
      later(1);
      await admin.revokeApiKey(first);
      await admin.createTenant({ name: 'Another tenant' });

      expect(await admin.listKeys(tenant.tenant_id)).toStrictEqual([
        {
          key_id: first,
          tenant_id: tenant.tenant_id,
          created_at: '2026-11-27T12:00:00.000Z',
          revoked_at: '2026-11-27T12:00:02.000Z',
        },
        { key_id: second.key_id, tenant_id: tenant.tenant_id, created_at: '2026-11-27T12:00:01.000Z' },
      ]);
    });

    it('refuses to list the keys of an unknown tenant with tenant_not_found', async () => {
      await expect(admin.listKeys('tnt_f0000000000000000000')).rejects.toMatchObject({ code: 'tenant_not_found' });
    });
  });

  describe('revokeApiKey', () => {
    it('stops the key at once, leaves the tenant’s other keys working, and keeps the first revocation time', async () => {
      const { tenant, key_id, api_key } = await admin.createTenant({ name: 'Acme Corp' });
      const other = await admin.createApiKey(tenant.tenant_id);
      later(30);

      const revoked = await admin.revokeApiKey(key_id);
      later(30);
      const again = await admin.revokeApiKey(key_id);

      const expected = {
        key_id,
        tenant_id: tenant.tenant_id,
        created_at: T0.toISOString(),
        revoked_at: '2026-11-27T12:00:30.000Z',
      };
      expect(revoked).toStrictEqual(expected);
      expect(again).toStrictEqual(expected);
      expect(await authorize(api_key)).toStrictEqual({ auth_error: 'invalid_api_key' });
      expect(await authorize(other.api_key)).toMatchObject({ key_id: other.key_id });
    });

    it.each([
      ['an unknown key', 'key_f0000000000000000000'],
      ['something a command line would read as an option', '--help'],
    ])('refuses %s with key_not_found', async (_case, keyId) => {
      const revoked = admin.revokeApiKey(keyId);
      await expect(revoked).rejects.toBeInstanceOf(NotFoundError);
      await expect(revoked).rejects.toMatchObject({ code: 'key_not_found' });
    });
  });

  describe('disableTenant', () => {
    it('stops every key of the tenant and no other tenant’s, and can be repeated', async () => {
      const acme = await admin.createTenant({ name: 'Acme Corp' });
      const acmeSecond = await admin.createApiKey(acme.tenant.tenant_id);
      const globex = await admin.createTenant({ name: 'Globex' });

      const disabled = await admin.disableTenant(acme.tenant.tenant_id);

      expect(disabled).toStrictEqual({ ...acme.tenant, status: 'disabled' });
      expect(await admin.disableTenant(acme.tenant.tenant_id)).toStrictEqual(disabled);
      expect(await authorize(acme.api_key)).toStrictEqual({ auth_error: 'invalid_api_key' });
      expect(await authorize(acmeSecond.api_key)).toStrictEqual({ auth_error: 'invalid_api_key' });
      expect(await authorize(globex.api_key)).toMatchObject({ tenant_id: globex.tenant.tenant_id });
    });

    it('refuses an unknown tenant with tenant_not_found', async () => {
      const disabled = admin.disableTenant('tnt_f0000000000000000000');
      await expect(disabled).rejects.toBeInstanceOf(NotFoundError);
      await expect(disabled).rejects.toMatchObject({ code: 'tenant_not_found' });
    });
  });

  describe('registerApiKey', () => {
    it('registers a key that was issued before, so that it keeps working', async () => {
      const { tenant } = await admin.createTenant({ name: 'Acme Corp' });
      const kept = generateApiKey();
      const registered = await registerApiKey({ store, now: () => now }, tenant.tenant_id, { apiKey: kept });
      expect(registered).toStrictEqual({ key_id: expect.stringMatching(/^key_[0-9a-f]{20}$/), api_key: kept });
      expect(await authorize(kept)).toMatchObject({ key_id: registered.key_id });
    });
  });
});
