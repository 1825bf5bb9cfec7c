import { afterEach, beforeEach } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAccountsStore } from '../adminLocal/adminLocal.js';
import type { OpenedAccountsStore } from '../ports.js';

/**
 * A fresh local data dir for each test of the calling suite, not yet created, as before the first `npm start`; it is
 * removed after the test, with every store `serverStore` opened on it closed first (tests only).
 */
export const useLocalDataDir = () => {
  let dataDir = '';
  const opened: OpenedAccountsStore[] = [];

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'imgrec-accounts-')), 'data');
  });

  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  return {
    dataDir: () => dataDir,
    /** The accounts store as the running server would read it: its own connection to the data dir's database. */
    serverStore: (): OpenedAccountsStore => {
      const store = localAccountsStore(dataDir);
      opened.push(store);
      return store;
    },
  };
};
