import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExclusively, ensureSigningKey } from './keyFile.js';

const dir = () => mkdtempSync(join(tmpdir(), 'imgrec-key-'));

describe('createExclusively', () => {
  it('creates the file once, mode 0600, and leaves no draft behind', () => {
    const folder = dir();
    const file = join(folder, 'key');
    expect(createExclusively(file, 'first')).toBe(true);
    expect(createExclusively(file, 'second')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('first');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['key']);
  });
});

describe('ensureSigningKey', () => {
  it('creates a 32-byte key on first use and reads the same one afterwards', () => {
    const file = join(dir(), 'upload-signing-key');
    const { key, replaced } = ensureSigningKey(file);
    expect({ bytes: key.byteLength, replaced }).toEqual({ bytes: 32, replaced: false });
    expect(ensureSigningKey(file).key).toEqual(key);
  });

  it.each([
    ['empty', ''],
    ['cut short', Buffer.alloc(16).toString('base64')],
  ])('replaces a key file that is %s with a new 32-byte key', (_case, contents) => {
    const file = join(dir(), 'upload-signing-key');
    writeFileSync(file, contents);
    const { key, replaced } = ensureSigningKey(file);
    expect({ bytes: key.byteLength, replaced }).toEqual({ bytes: 32, replaced: true });
    expect(ensureSigningKey(file)).toEqual({ key, replaced: false });
  });
});
