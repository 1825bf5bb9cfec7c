import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openDatabase } from '@imgrec/shared/local';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey } from '../../apiKeys/apiKeys.js';
import type { ApiKeyRecord, Tenant } from '../../ports.js';
import { buildSqliteAccountsStore } from './sqliteAccountsStore.js';

const tenant: Tenant = {
  tenant_id: 'tnt_a0000000000000000001',
  name: 'Acme Corp',
  status: 'active',
  created_at: '2026-11-27T12:00:00.000Z',
};

const key: ApiKeyRecord = {
  key_id: 'key_00000000000000000001',
  tenant_id: tenant.tenant_id,
  key_hash: hashApiKey('imgrec_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
  created_at: '2026-11-27T12:00:00.000Z',
};

describe('buildSqliteAccountsStore', () => {
  let dataDir: string;
  const opened: Database.Database[] = [];
  const open = (db: Database.Database) => {
    opened.push(db);
    return db;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'imgrec-accounts-'));
  });

  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps its tables and rows when built again over the same database', async () => {
    const db = open(new Database(':memory:'));
    await buildSqliteAccountsStore(db).createTenant(tenant);
    await buildSqliteAccountsStore(db).createKey(key);
    expect(await buildSqliteAccountsStore(db).findKeyByHash(key.key_hash)).toStrictEqual({ key, tenant });
  });

  it('sees a revocation and a disabled tenant written by another process at its next read', async () => {
    // The admin CLI and the server each open accounts.db, as local mode does.
    const file = join(dataDir, 'accounts.db');
    const server = buildSqliteAccountsStore(open(openDatabase(file)));
    const admin = buildSqliteAccountsStore(open(openDatabase(file)));
    await admin.createTenant(tenant);
    await admin.createKey(key);
    expect(await server.findKeyByHash(key.key_hash)).toStrictEqual({ key, tenant });

    await admin.revokeKey(key.key_id, '2026-11-28T09:00:00.000Z');
    await admin.setTenantStatus(tenant.tenant_id, 'disabled');

    expect(await server.findKeyByHash(key.key_hash)).toStrictEqual({
      key: { ...key, revoked_at: '2026-11-28T09:00:00.000Z' },
      tenant: { ...tenant, status: 'disabled' },
    });
  });

  it('finds a key that another process created after an unsuccessful lookup of it', async () => {
    const file = join(dataDir, 'accounts.db');
    const server = buildSqliteAccountsStore(open(openDatabase(file)));
    const admin = buildSqliteAccountsStore(open(openDatabase(file)));
    await admin.createTenant(tenant);
    expect(await server.findKeyByHash(key.key_hash)).toBeUndefined();

    await admin.createKey(key);

    expect(await server.findKeyByHash(key.key_hash)).toStrictEqual({ key, tenant });
  });

  it('sees its own revocation at the next lookup', async () => {
    const store = buildSqliteAccountsStore(open(openDatabase(join(dataDir, 'accounts.db'))));
    await store.createTenant(tenant);
    await store.createKey(key);
    expect(await store.findKeyByHash(key.key_hash)).toStrictEqual({ key, tenant });

    await store.revokeKey(key.key_id, '2026-11-28T09:00:00.000Z');

    expect((await store.findKeyByHash(key.key_hash))?.key.revoked_at).toBe('2026-11-28T09:00:00.000Z');
  });

  it('refuses a key for an unknown tenant even on a database opened without foreign keys', async () => {
    const db = open(new Database(':memory:'));
    db.pragma('foreign_keys = OFF');
    const store = buildSqliteAccountsStore(db);
    await expect(store.createKey(key)).rejects.toMatchObject({ code: 'tenant_not_found' });
  });

  it('fails, rather than guess, on a key whose tenant is missing from a damaged database', async () => {
    const db = open(new Database(':memory:'));
    db.pragma('foreign_keys = OFF');
    const store = buildSqliteAccountsStore(db);
    db.prepare('INSERT INTO api_keys (key_id, tenant_id, key_hash, created_at) VALUES (?, ?, ?, ?)').run(
      key.key_id,
      key.tenant_id,
      key.key_hash,
      key.created_at,
    );
    await expect(store.findKeyByHash(key.key_hash)).rejects.toThrow(`API key ${key.key_id} belongs to no tenant`);
  });

  it('refuses to serve a stored row that does not match the port’s records', async () => {
    const db = open(new Database(':memory:'));
    const store = buildSqliteAccountsStore(db);
    db.prepare("INSERT INTO tenants (tenant_id, name, status, created_at) VALUES (?, 'Acme', 'active', ?)").run(
      tenant.tenant_id,
      'yesterday',
    );
    await expect(store.getTenant(tenant.tenant_id)).rejects.toThrow();
  });
});
