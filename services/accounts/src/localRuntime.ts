import { localPlatform } from '@imgrec/shared/local';
import { buildSqliteAccountsStore } from './adapters/sqliteAccountsStore/sqliteAccountsStore.js';
import type { AccountsDeps } from './ports.js';

/** The accounts service in local mode: its own SQLite database in the data dir, and the platform's readiness. */
export const localAccountsRuntime = (): AccountsDeps => {
  const platform = localPlatform();
  return {
    store: buildSqliteAccountsStore(platform.openServiceDb('accounts')),
    now: () => new Date(),
    isReady: () => platform.isReady(),
  };
};
