import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Creates `file` with `contents` (mode 0600) unless it exists, atomically: the contents go to a file of their own
 * first, which is then linked into place. Linking fails if the name is taken, so two processes starting at once agree
 * on one file, and no reader ever sees a half-written one. Returns whether this call created it.
 */
export const createExclusively = (file: string, contents: string | Uint8Array): boolean => {
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, contents, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(draft, { force: true });
  }
};

/** An HMAC key's length: SHA-256's block of entropy. A shorter one is refused. */
export const SIGNING_KEY_BYTES = 32;

/**
 * A signing key kept in the data dir as base64 text: read, or created with 32 random bytes on first use. A key that
 * decodes to fewer than 32 bytes (a file a crash left empty or cut short by an earlier release) is replaced by a new
 * one: what it signed could not be trusted, and the only thing lost is upload URLs issued with it, which expire
 * within minutes anyway.
 * @returns the key, and whether it was replaced.
 */
export const ensureSigningKey = (file: string): { key: Buffer; replaced: boolean } => {
  createExclusively(file, randomBytes(SIGNING_KEY_BYTES).toString('base64'));
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.byteLength >= SIGNING_KEY_BYTES) return { key, replaced: false };
  const fresh = randomBytes(SIGNING_KEY_BYTES);
  writeFileSync(file, fresh.toString('base64'), { mode: 0o600 });
  return { key: fresh, replaced: true };
};
