import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { reduceResultsRecord } from './reduceResultsRecord/reduceResultsRecord.js';
import { buildSqliteResultsRepository } from './adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import { buildSweepLocal } from './retentionLocal.js';
import type { ResultsRepository } from './ports.js';
import { SAMPLE_TENANT_ID, viewWith } from './testing/sampleViews.js';

/** One day's worth of seconds makes a retention a test can watch pass. */
const RETENTION = { recordRetentionDays: 1 };
const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-11-27T12:00:00.000Z');

describe('sweepLocal', () => {
  let db: Database.Database;
  let repository: ResultsRepository;
  let clock: number;
  let sweep: (now: Date) => Promise<number>;

  beforeEach(() => {
    db = new Database(':memory:');
    const sqlite = buildSqliteResultsRepository(db, RETENTION);
    repository = sqlite;
    sweep = buildSweepLocal(() => sqlite);
    clock = T0;
  });

  afterEach(() => {
    db.close();
  });

  const now = () => new Date(clock);
  const rowCount = () => (db.prepare('SELECT count(*) AS count FROM blob_results').get() as { count: number }).count;

  /** A blob created at the clock's time. */
  const createBlob = (blobId: string) =>
    repository.apply(blobId, () => ({
      tenantId: SAMPLE_TENANT_ID,
      view: { ...viewWith('succeeded', blobId), created_at: now().toISOString() },
    }));

  /** The blob deleted at the clock's time, as onBlobEvent records it. */
  const deleteBlob = (blobId: string) =>
    repository.apply(blobId, (current) =>
      reduceResultsRecord(
        current,
        {
          detailType: 'BlobDeleted',
          detail: { blob_id: blobId, tenant_id: SAMPLE_TENANT_ID, deleted_at: now().toISOString() },
        },
        now().toISOString(),
      ),
    );

  it('deletes nothing while every record is within its retention', async () => {
    await createBlob('AAAAAAAAAAAAAAAAAAAAAA');
    clock += DAY_MS - 1000;

    expect(await sweep(now())).toBe(0);
    expect(await repository.get('AAAAAAAAAAAAAAAAAAAAAA', now())).toBeDefined();
  });

  it('deletes a blob’s record once the retention after its creation has passed, and counts it', async () => {
    await createBlob('AAAAAAAAAAAAAAAAAAAAAA');
    clock += DAY_MS / 2;
    await createBlob('BBBBBBBBBBBBBBBBBBBBBB');
    clock = T0 + DAY_MS;

    expect(await sweep(now())).toBe(1);
    expect(rowCount()).toBe(1);
    expect(await repository.get('BBBBBBBBBBBBBBBBBBBBBB', now())).toBeDefined();

    clock += DAY_MS / 2;
    expect(await sweep(now())).toBe(1);
    expect(rowCount()).toBe(0);
  });

  it('keeps a tombstone for the retention after the deletion, so that late events stay dropped, then deletes it', async () => {
    await createBlob('AAAAAAAAAAAAAAAAAAAAAA');
    clock += DAY_MS / 2;
    await deleteBlob('AAAAAAAAAAAAAAAAAAAAAA');

    clock = T0 + DAY_MS;
    expect(await sweep(now())).toBe(0);
    expect(await repository.apply('AAAAAAAAAAAAAAAAAAAAAA', () => undefined)).toMatchObject({
      deletedAt: expect.any(String),
    });

    clock = T0 + DAY_MS + DAY_MS / 2;
    expect(await sweep(now())).toBe(1);
    expect(rowCount()).toBe(0);
  });
});
