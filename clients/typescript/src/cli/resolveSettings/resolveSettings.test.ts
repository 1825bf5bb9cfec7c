import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopbackUrl, resolveSettings } from './resolveSettings.js';

const none = { api: undefined, key: undefined };

describe('resolveSettings', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'imgrec-settings-'));
    mkdirSync(join(cwd, '.imgrec'));
    writeFileSync(join(cwd, '.imgrec', 'dev-api-key'), 'imgrec_sk_dev\n');
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', 'dev-api-key'), 'imgrec_sk_elsewhere\n');
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('defaults to http://localhost:3000 and the dev key that npm start keeps in .imgrec', async () => {
    expect(await resolveSettings(none, {}, cwd)).toEqual({
      apiUrl: 'http://localhost:3000',
      apiKey: 'imgrec_sk_dev',
      keySource: join(cwd, '.imgrec', 'dev-api-key'),
    });
  });

  it('reads the dev key from IMGREC_DATA_DIR', async () => {
    expect(await resolveSettings(none, { IMGREC_DATA_DIR: 'data' }, cwd)).toMatchObject({
      apiKey: 'imgrec_sk_elsewhere',
    });
  });

  it('prefers the flags to the environment, and the environment to the dev key', async () => {
    const env = { IMGREC_API_URL: 'http://127.0.0.1:4000/', IMGREC_API_KEY: 'imgrec_sk_env' };
    expect(await resolveSettings(none, env, cwd)).toEqual({
      apiUrl: 'http://127.0.0.1:4000',
      apiKey: 'imgrec_sk_env',
      keySource: 'IMGREC_API_KEY',
    });
    expect(await resolveSettings({ api: 'https://api.example.com', key: 'imgrec_sk_flag' }, env, cwd)).toEqual({
      apiUrl: 'https://api.example.com',
      apiKey: 'imgrec_sk_flag',
      keySource: '--key',
    });
  });

  it('never sends the local dev key to another machine', async () => {
    await expect(resolveSettings({ api: 'https://api.example.com', key: undefined }, {}, cwd)).rejects.toThrow(
      'no API key for https://api.example.com: pass --key or set IMGREC_API_KEY',
    );
  });

  it('says where the dev key would be when there is none', async () => {
    await expect(resolveSettings(none, { IMGREC_DATA_DIR: 'nowhere' }, cwd)).rejects.toThrow(
      `the local dev key is read from ${join(cwd, 'nowhere', 'dev-api-key')}`,
    );
  });

  it('refuses an API URL that is not http(s)', async () => {
    await expect(resolveSettings({ api: 'localhost:3000', key: 'k' }, {}, cwd)).rejects.toThrow(
      '--api must be an http(s) URL, got "localhost:3000"',
    );
  });

  it('knows loopback URLs', () => {
    for (const url of ['http://localhost:3000', 'http://127.0.0.1', 'http://127.8.0.1:1', 'http://[::1]:3000/']) {
      expect(isLoopbackUrl(new URL(url))).toBe(true);
    }
    for (const url of ['https://api.example.com', 'http://10.0.0.1', 'http://localhost.example.com']) {
      expect(isLoopbackUrl(new URL(url))).toBe(false);
    }
  });
});
