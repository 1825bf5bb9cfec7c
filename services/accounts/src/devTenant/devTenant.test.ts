import { describe, expect, it } from '@jest/globals';
import { openDatabase } from '@imgrec/shared/local';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSqliteAccountsStore } from '../adapters/sqliteAccountsStore/sqliteAccountsStore.js';
import { authorizeApiKey } from '../authorizeApiKey/authorizeApiKey.js';
import { manageAccounts } from '../manageAccounts/manageAccounts.js';
import { useLocalDataDir } from '../testing/localDataDir.js';
import { DEV_TENANT_ID, ensureDevTenant } from './devTenant.js';

const { dataDir, serverStore } = useLocalDataDir();

const authorize = (apiKey: string) =>
  authorizeApiKey(`Bearer ${apiKey}`, { store: serverStore(), now: () => new Date() });

const keyFile = () => join(dataDir(), 'dev-api-key');

const removeAccountsDb = () => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir(), `accounts.db${suffix}`), { force: true });
};

describe('ensureDevTenant', () => {
  it('creates the dev tenant at first start with a key that works, kept readable by the owner only', async () => {
    const { apiKey, file } = await ensureDevTenant(dataDir());

    expect(file).toBe(keyFile());
    expect(apiKey).toMatch(/^imgrec_sk_[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(file, 'utf8')).toBe(`${apiKey}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await serverStore().listTenants()).toStrictEqual([
      { tenant_id: DEV_TENANT_ID, name: 'dev', status: 'active', created_at: expect.any(String) },
    ]);
    expect(await authorize(apiKey as string)).toMatchObject({ tenant_id: 'dev' });
  });

  it('issues nothing at later starts: the kept key goes on working and is not shown again', async () => {
    const first = await ensureDevTenant(dataDir());
    const second = await ensureDevTenant(dataDir());

    expect(second).toStrictEqual({ apiKey: undefined, file: first.file });
    expect(readFileSync(first.file, 'utf8')).toBe(`${first.apiKey}\n`);
    expect(await serverStore().listKeys(DEV_TENANT_ID)).toHaveLength(1);
    expect(await authorize(first.apiKey as string)).toMatchObject({ tenant_id: 'dev' });
  });

  it('recreates the tenant around the kept key when accounts.db was removed, so the same key works', async () => {
    const first = await ensureDevTenant(dataDir());
    removeAccountsDb();

    expect(await ensureDevTenant(dataDir())).toStrictEqual({ apiKey: undefined, file: first.file });
    expect(await authorize(first.apiKey as string)).toMatchObject({ tenant_id: 'dev' });
    expect(await serverStore().listKeys(DEV_TENANT_ID)).toHaveLength(1);
  });

  it('issues a new key into a new file when the file was removed', async () => {
    const first = await ensureDevTenant(dataDir());
    rmSync(first.file);

    const second = await ensureDevTenant(dataDir());

    expect(second.apiKey).toMatch(/^imgrec_sk_/);
    expect(second.apiKey).not.toBe(first.apiKey);
    expect(readFileSync(second.file, 'utf8')).toBe(`${second.apiKey}\n`);
    expect(statSync(second.file).mode & 0o777).toBe(0o600);
    expect(await authorize(second.apiKey as string)).toMatchObject({ tenant_id: 'dev' });
  });

  it('leaves a revoked dev key revoked', async () => {
    const first = await ensureDevTenant(dataDir());
    const [key] = await serverStore().listKeys(DEV_TENANT_ID);
    await manageAccounts({ store: serverStore(), now: () => new Date() }).revokeApiKey(key?.key_id ?? '');

    expect(await ensureDevTenant(dataDir())).toStrictEqual({ apiKey: undefined, file: first.file });
    expect(await authorize(first.apiKey as string)).toStrictEqual({ auth_error: 'invalid_api_key' });
  });

  it('refuses a key file that does not hold an API key, without quoting it', async () => {
    await ensureDevTenant(dataDir());
    writeFileSync(keyFile(), 'hunter2\n');

    await expect(ensureDevTenant(dataDir())).rejects.toThrow(
      new Error(`${keyFile()} does not hold an API key; delete it to get a new one`),
    );
  });

  it('works on the store it is given, and leaves it open', async () => {
    const db = openDatabase(':memory:');
    try {
      const store = buildSqliteAccountsStore(db);
      const { apiKey } = await ensureDevTenant(dataDir(), store);

      expect(existsSync(join(dataDir(), 'accounts.db'))).toBe(false);
      expect(await authorizeApiKey(`Bearer ${apiKey}`, { store, now: () => new Date() })).toMatchObject({
        tenant_id: 'dev',
      });
    } finally {
      db.close();
    }
  });
});
