import { openDatabase } from '@imgrec/shared/local';
import { join } from 'node:path';
import { buildSqliteAccountsStore } from '../adapters/sqliteAccountsStore/sqliteAccountsStore.js';
import type { OpenedAccountsStore } from '../ports.js';

/**
 * The accounts store of a local data dir, `<dataDir>/accounts.db`, for the admin CLI. Safe while `npm start` runs
 * on the same data dir: both open it in WAL mode and write one transaction at a time, and the server sees a
 * revocation at its next request. Close it when done.
 */
export const localAccountsStore = (dataDir: string): OpenedAccountsStore => {
  const db = openDatabase(join(dataDir, 'accounts.db'));
  return { ...buildSqliteAccountsStore(db), close: () => db.close() };
};
