import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { localPlatform } from '@imgrec/shared/local';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSqliteUploadsRepository } from './adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import { sweepLocal } from './retentionLocal.js';

const T0 = Date.parse('2026-11-27T12:00:00.000Z');

describe('sweepLocal', () => {
  let dataDir: string;

  beforeAll(() => {
    // The platform and the service's config read this process's environment once, at their first use.
    dataDir = mkdtempSync(join(tmpdir(), 'imgrec-retention-'));
    process.env.IMGREC_DATA_DIR = dataDir;
    process.env.IMGREC_RECORD_RETENTION_DAYS = '1';
  });

  afterAll(async () => {
    await localPlatform().close();
    delete process.env.IMGREC_DATA_DIR;
    delete process.env.IMGREC_RECORD_RETENTION_DAYS;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sweeps the local platform’s uploads database by IMGREC_RECORD_RETENTION_DAYS, and counts what it deleted', async () => {
    // Prepare
    const repository = buildSqliteUploadsRepository(localPlatform().openServiceDb('uploads'));
    await repository.create({
      blob_id: 'q1Xw3-_9ZkLmNoPqRsTuVw',
      tenant_id: 'tnt_a',
      content_type: 'image/jpeg',
      options: { min_confidence: 30, max_labels: 20 },
      created_at: new Date(T0).toISOString(),
      expires_at: new Date(T0 + 600_000).toISOString(),
    });

    // Act
    const early = await sweepLocal(new Date(T0 + 23 * 60 * 60 * 1000));
    const due = await sweepLocal(new Date(T0 + 25 * 60 * 60 * 1000));

    // Assess
    expect([early, due]).toEqual([0, 1]);
    expect(await repository.get('q1Xw3-_9ZkLmNoPqRsTuVw')).toBeUndefined();
  });
});
