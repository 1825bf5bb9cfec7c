import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localAccountsStore } from '../adminLocal/adminLocal.js';
import { DEV_TENANT_ID, generateApiKey, hashApiKey, isWellFormedApiKey } from '../apiKeys/apiKeys.js';
import { registerApiKey } from '../manageAccounts/manageAccounts.js';
import type { AccountsStore } from '../ports.js';

export { DEV_TENANT_ID } from '../apiKeys/apiKeys.js';

/** Where local mode keeps the dev tenant's API key, inside the data dir. */
export const DEV_API_KEY_FILE = 'dev-api-key';

export interface DevTenant {
  /** The dev tenant's API key when this call issued it, for the caller to print once; otherwise undefined. */
  apiKey: string | undefined;
  /** The file that keeps the key: `<dataDir>/dev-api-key`. */
  file: string;
}

/** The key kept in the file, or undefined when there is no file. */
const readKeptKey = (file: string): string | undefined => {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const apiKey = content.trim();
  // Never quote the content: it is meant to be a secret.
  if (!isWellFormedApiKey(apiKey)) throw new Error(`${file} does not hold an API key; delete it to get a new one`);
  return apiKey;
};

/**
 * Makes sure local mode has its tenant `dev` with a working key kept in `<dataDir>/dev-api-key` (mode 0600), and
 * returns the key when it issued one, so that the first `npm start` prints it once. A kept key is registered again
 * when the accounts database lost it (accounts.db removed), so it keeps working; when the file is gone, a new key
 * is issued into it. The file is created exclusively, so a key someone else wrote is never overwritten. A revoked
 * dev key stays revoked: delete the file to get a new one. Uses `store`, or opens the data dir's own and closes it.
 * @throws Error when the file holds something that is not an API key, or cannot be read or written.
 */
export const ensureDevTenant = async (dataDir: string, store?: AccountsStore): Promise<DevTenant> => {
  if (store === undefined) {
    const opened = localAccountsStore(dataDir);
    try {
      return await ensureDevTenant(dataDir, opened);
    } finally {
      opened.close();
    }
  }
  const deps = { store, now: () => new Date() };
  const file = join(dataDir, DEV_API_KEY_FILE);
  if (!(await store.getTenant(DEV_TENANT_ID))) {
    await store.createTenant({
      tenant_id: DEV_TENANT_ID,
      name: DEV_TENANT_ID,
      status: 'active',
      created_at: deps.now().toISOString(),
    });
  }
  const kept = readKeptKey(file);
  if (kept !== undefined) {
    if (!(await store.findKeyByHash(hashApiKey(kept)))) await registerApiKey(deps, DEV_TENANT_ID, { apiKey: kept });
    return { apiKey: undefined, file };
  }
  // The file first: should registering fail, the next start finds the key in it and registers it then.
  const apiKey = generateApiKey();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${apiKey}\n`, { mode: 0o600, flag: 'wx' });
  await registerApiKey(deps, DEV_TENANT_ID, { apiKey });
  return { apiKey, file };
};
