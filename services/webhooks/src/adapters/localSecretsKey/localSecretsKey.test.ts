import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_SECRETS_KEY_FILE, ensureLocalSecretsKey, readLocalSecretsKey } from './localSecretsKey.js';

describe('the local webhook secrets key', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'imgrec-secrets-key-')), 'data');
  });
  afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('is created on first use as 32 random bytes only its owner may read, and kept from then on', () => {
    expect(readLocalSecretsKey(dataDir)).toBeUndefined();
    const key = ensureLocalSecretsKey(dataDir);
    const file = join(dataDir, LOCAL_SECRETS_KEY_FILE);
    expect(key).toHaveLength(32);
    expect(readFileSync(file)).toEqual(key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureLocalSecretsKey(dataDir)).toEqual(key);
    expect(readLocalSecretsKey(dataDir)).toEqual(key);
    expect(readdirSync(dataDir)).toEqual([LOCAL_SECRETS_KEY_FILE]);
  });

  it('refuses, and keeps, a key file that is not 32 bytes long', () => {
    ensureLocalSecretsKey(dataDir);
    const file = join(dataDir, LOCAL_SECRETS_KEY_FILE);
    writeFileSync(file, 'too short');
    expect(() => ensureLocalSecretsKey(dataDir)).toThrow('holds 9 bytes, not the 32');
    expect(() => readLocalSecretsKey(dataDir)).toThrow('holds 9 bytes, not the 32');
    expect(readFileSync(file, 'utf8')).toBe('too short');
  });
});
