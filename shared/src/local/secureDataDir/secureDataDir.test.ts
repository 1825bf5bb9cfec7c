import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secureDataDir } from './secureDataDir.js';

describe('secureDataDir', () => {
  it('makes the data dir and its folders 0700 and its files 0600, whatever they were', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'imgrec-secure-')), 'data');
    mkdirSync(join(dataDir, 'objects'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, 'accounts.db'), 'x', { mode: 0o644 });
    writeFileSync(join(dataDir, 'objects', 'blob'), 'x', { mode: 0o666 });

    secureDataDir(dataDir);

    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'objects')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'accounts.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'objects', 'blob')).mode & 0o777).toBe(0o600);
  });

  it('creates a missing data dir, private', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'imgrec-secure-')), 'new', 'data');
    secureDataDir(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });
});
