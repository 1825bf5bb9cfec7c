import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Connection } from '../parseCliArgs/parseCliArgs.js';
import { UsageError } from '../parseCliArgs/parseCliArgs.js';

export const DEFAULT_API_URL = 'http://localhost:3000';

export interface Settings {
  apiUrl: string;
  apiKey: string;
  /** Where the key came from, for the error line when the API refuses it. */
  keySource: string;
}

/** Whether a URL points at this machine: only then may the local dev key be sent to it. */
export const isLoopbackUrl = (url: URL): boolean => {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
};

/**
 * The API URL and key: `--api` / IMGREC_API_URL (default http://localhost:3000), `--key` / IMGREC_API_KEY, and, only
 * for a loopback API, the dev tenant's key that `npm start` keeps in `<data dir>/dev-api-key` (IMGREC_DATA_DIR,
 * default `.imgrec` in the working directory): that key must never travel to another machine.
 * @throws UsageError for a URL that is not http(s), or when no key can be found.
 */
export const resolveSettings = async (
  connection: Connection,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<Settings> => {
  const raw = connection.api ?? env.IMGREC_API_URL ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--api must be an http(s) URL, got "${raw}"`);
  }
  const apiUrl = raw.replace(/\/+$/, '');
  if (connection.key !== undefined) return { apiUrl, apiKey: connection.key, keySource: '--key' };
  if (env.IMGREC_API_KEY) return { apiUrl, apiKey: env.IMGREC_API_KEY, keySource: 'IMGREC_API_KEY' };
  const keyFile = join(resolve(cwd, env.IMGREC_DATA_DIR ?? '.imgrec'), 'dev-api-key');
  if (!isLoopbackUrl(url)) {
    throw new UsageError(`no API key for ${apiUrl}: pass --key or set IMGREC_API_KEY`);
  }
  try {
    return { apiUrl, apiKey: (await readFile(keyFile, 'utf8')).trim(), keySource: keyFile };
  } catch {
    throw new UsageError(
      `no API key: pass --key or set IMGREC_API_KEY (the local dev key is read from ${keyFile}, which \`npm start\` creates)`,
    );
  }
};
