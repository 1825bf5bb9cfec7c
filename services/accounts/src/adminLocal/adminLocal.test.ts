import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { authorizeApiKey } from '../authorizeApiKey/authorizeApiKey.js';
import { manageAccounts } from '../manageAccounts/manageAccounts.js';
import { useLocalDataDir } from '../testing/localDataDir.js';
import { localAccountsStore } from './adminLocal.js';

const { dataDir, serverStore } = useLocalDataDir();

describe('localAccountsStore', () => {
  it('works on the data dir’s accounts.db while the server has it open: the server sees changes at once', async () => {
    const server = serverStore();
    const cli = localAccountsStore(dataDir());
    const admin = manageAccounts({ store: cli, now: () => new Date() });
    try {
      const { tenant, api_key } = await admin.createTenant({ name: 'Acme Corp' });
      const asServer = () => authorizeApiKey(`Bearer ${api_key}`, { store: server, now: () => new Date() });
      expect(await asServer()).toMatchObject({ tenant_id: tenant.tenant_id });

      await admin.disableTenant(tenant.tenant_id);

      expect(await asServer()).toStrictEqual({ auth_error: 'invalid_api_key' });
    } finally {
      cli.close();
    }
    expect(existsSync(join(dataDir(), 'accounts.db'))).toBe(true);
  });

  it('lets go of the database when closed', async () => {
    const store = localAccountsStore(dataDir());
    store.close();
    await expect(store.listTenants()).rejects.toThrow('The database connection is not open');
  });
});
