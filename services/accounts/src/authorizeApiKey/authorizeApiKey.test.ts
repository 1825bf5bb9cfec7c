import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { authorizerContextSchema } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import { buildSqliteAccountsStore } from '../adapters/sqliteAccountsStore/sqliteAccountsStore.js';
import { generateApiKey, hashApiKey } from '../apiKeys/apiKeys.js';
import type { AccountsStore, ApiKeyRecord, Tenant } from '../ports.js';
import { authorizeApiKey } from './authorizeApiKey.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');

const tenant: Tenant = {
  tenant_id: 'tnt_a0000000000000000001',
  name: 'Acme Corp',
  status: 'active',
  max_blobs_per_day: 500,
  created_at: '2026-11-01T00:00:00.000Z',
};

describe('authorizeApiKey', () => {
  let db: Database;
  let store: AccountsStore;
  let lookups: number;
  let apiKey: string;
  let key: ApiKeyRecord;

  beforeEach(async () => {
    db = openDatabase(':memory:');
    const sqlite = buildSqliteAccountsStore(db);
    lookups = 0;
    store = {
      ...sqlite,
      findKeyByHash: (keyHash) => {
        lookups += 1;
        return sqlite.findKeyByHash(keyHash);
      },
    };
    apiKey = generateApiKey();
    key = {
      key_id: 'key_00000000000000000001',
      tenant_id: tenant.tenant_id,
      key_hash: hashApiKey(apiKey),
      created_at: '2026-11-01T00:00:00.000Z',
    };
    await store.createTenant(tenant);
  });

  afterEach(() => {
    if (db.open) db.close();
  });

  const authorize = (authorization: string | undefined, now = NOW) =>
    authorizeApiKey(authorization, { store, now: () => now });

  it('hands on the tenant, the key and the tenant’s quota for a valid key', async () => {
    await store.createKey(key);
    const context = await authorize(`Bearer ${apiKey}`);
    expect(context).toStrictEqual({ tenant_id: tenant.tenant_id, key_id: key.key_id, max_blobs_per_day: 500 });
    expect(authorizerContextSchema.parse(context)).toStrictEqual(context);
  });

  /** A second tenant with its own key, the key as presented. */
  const otherTenantWith = async (maxBlobsPerDay: number | undefined) => {
    const other = { ...tenant, tenant_id: 'tnt_b0000000000000000002', max_blobs_per_day: maxBlobsPerDay };
    const otherKey = generateApiKey();
    await store.createTenant(other);
    await store.createKey({
      ...key,
      key_id: 'key_00000000000000000002',
      tenant_id: other.tenant_id,
      key_hash: hashApiKey(otherKey),
    });
    return otherKey;
  };

  it('hands on no quota for a tenant without one', async () => {
    const otherKey = await otherTenantWith(undefined);
    expect(await authorize(`Bearer ${otherKey}`)).toStrictEqual({
      tenant_id: 'tnt_b0000000000000000002',
      key_id: 'key_00000000000000000002',
    });
  });

  it('hands on a quota of zero as zero, not as no quota', async () => {
    const otherKey = await otherTenantWith(0);
    expect(await authorize(`Bearer ${otherKey}`)).toStrictEqual({
      tenant_id: 'tnt_b0000000000000000002',
      key_id: 'key_00000000000000000002',
      max_blobs_per_day: 0,
    });
  });

  it('reads the scheme in any case', async () => {
    await store.createKey(key);
    expect(await authorize(`bearer ${apiKey}`)).toMatchObject({ tenant_id: tenant.tenant_id });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a header of spaces', '   '],
  ])('answers missing_api_key for %s, without a lookup', async (_case, header) => {
    expect(await authorize(header)).toStrictEqual({ auth_error: 'missing_api_key' });
    expect(lookups).toBe(0);
  });

  it.each([
    ['the bare key', (key: string) => key],
    ['another scheme', (key: string) => `Basic ${key}`],
    ['the scheme alone', () => 'Bearer'],
    ['two tokens', (key: string) => `Bearer ${key} ${key}`],
    ['a truncated key', (key: string) => `Bearer ${key.slice(0, -1)}`],
  ])('answers invalid_api_key for %s, without a lookup', async (_case, header) => {
    await store.createKey(key);
    expect(await authorize(header(apiKey))).toStrictEqual({ auth_error: 'invalid_api_key' });
    expect(lookups).toBe(0);
  });

  it('answers invalid_api_key for a well-formed key nobody issued', async () => {
    await store.createKey(key);
    expect(await authorize(`Bearer ${generateApiKey()}`)).toStrictEqual({ auth_error: 'invalid_api_key' });
    expect(lookups).toBe(1);
  });

  it('answers invalid_api_key for a revoked key', async () => {
    await store.createKey(key);
    await store.revokeKey(key.key_id, '2026-11-20T00:00:00.000Z');
    expect(await authorize(`Bearer ${apiKey}`)).toStrictEqual({ auth_error: 'invalid_api_key' });
  });

  it('answers invalid_api_key from the moment a key expires, and accepts it until then', async () => {
    await store.createKey({ ...key, expires_at: '2026-11-27T12:00:00.000Z' });
    expect(await authorize(`Bearer ${apiKey}`, new Date('2026-11-27T11:59:59.999Z'))).toMatchObject({
      key_id: key.key_id,
    });
    expect(await authorize(`Bearer ${apiKey}`, NOW)).toStrictEqual({ auth_error: 'invalid_api_key' });
    expect(await authorize(`Bearer ${apiKey}`, new Date('2026-12-01T00:00:00.000Z'))).toStrictEqual({
      auth_error: 'invalid_api_key',
    });
  });

  it('answers invalid_api_key for the key of a disabled tenant', async () => {
    await store.createKey(key);
    await store.setTenantStatus(tenant.tenant_id, 'disabled');
    expect(await authorize(`Bearer ${apiKey}`)).toStrictEqual({ auth_error: 'invalid_api_key' });
  });

  it('answers invalid_api_key when the store hands back a record whose hash is not the presented key’s', async () => {
    await store.createKey(key);
    const found = await store.findKeyByHash(key.key_hash);
    // A store that matched loosely (a case-insensitive index, a prefix) must not let another key through.
    store = { ...store, findKeyByHash: async () => found };
    expect(await authorize(`Bearer ${generateApiKey()}`)).toStrictEqual({ auth_error: 'invalid_api_key' });
  });

  it('fails, rather than answer, when the store cannot be read', async () => {
    await store.createKey(key);
    db.close();
    await expect(authorize(`Bearer ${apiKey}`)).rejects.toThrow('The database connection is not open');
  });
});
