import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the data dir that holds the key local mode encrypts the tenants' webhook secrets with. */
export const LOCAL_SECRETS_KEY_FILE = 'webhook-secrets-key';

const KEY_BYTES = 32;

const readKey = (file: string): Buffer => {
  const key = readFileSync(file);
  if (key.byteLength !== KEY_BYTES) {
    throw new Error(
      `${file} holds ${key.byteLength} bytes, not the ${KEY_BYTES} of a webhook secrets key; restore it from a ` +
        'backup (without it the stored webhook secrets cannot be read)',
    );
  }
  return key;
};

/**
 * The key, when the data dir has one; undefined otherwise. For readers that must not create anything, such as
 * `npm run webhooks:listen` started before the server.
 * @throws Error when the file is not exactly 32 bytes long.
 */
export const readLocalSecretsKey = (dataDir: string): Buffer | undefined => {
  try {
    return readKey(join(dataDir, LOCAL_SECRETS_KEY_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/**
 * The AES-256 key of local mode's webhook secrets: 32 random bytes in `<dataDir>/webhook-secrets-key`, created
 * (mode 0600) on first use. The key is written to a file of its own first and then linked into place, which fails if
 * the key exists: two processes starting at once agree on one key, and no reader ever sees a half-written file.
 * @throws Error when the existing file is not exactly 32 bytes long (never replaced: that would orphan every stored
 *   secret), or when the data dir cannot be written.
 */
export const ensureLocalSecretsKey = (dataDir: string): Buffer => {
  const existing = readLocalSecretsKey(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCAL_SECRETS_KEY_FILE);
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return readKey(file);
};
