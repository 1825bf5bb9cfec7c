import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes the data dir private to its owner: the dir and every folder in it 0700, every file 0600, whatever an earlier
 * release or a careless copy left. It holds the dev tenant's API key, the keys that sign upload URLs and encrypt
 * webhook secrets, and every uploaded image. Files created later get the same modes from the umask the local entry
 * points set (0077).
 */
export const secureDataDir = (dataDir: string): void => {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const walk = (dir: string) => {
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) chmodSync(path, 0o600);
    }
  };
  walk(dataDir);
};

/** The umask of every local entry point: files 0600 and folders 0700, so nothing in the data dir is readable by others. */
export const PRIVATE_UMASK = 0o077;
