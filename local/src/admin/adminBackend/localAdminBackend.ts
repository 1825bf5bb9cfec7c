import { localAccountsStore } from '@imgrec/accounts/adminLocal';
import { localTenantSecretStore } from '@imgrec/webhooks/adminLocal';
import type { AdminBackend } from '../runAdminCommand/runAdminCommand.js';

/**
 * The admin commands' stores in local mode: the accounts and webhooks databases of the data dir, opened next to a
 * running server (SQLite in WAL mode takes one writer at a time from either process).
 */
export const localAdminBackend = (dataDir: string): AdminBackend => {
  const accounts = localAccountsStore(dataDir);
  const secrets = localTenantSecretStore(dataDir);
  return { accounts, secrets, close: () => (accounts.close(), secrets.close()) };
};
