import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { BlobStatus, BlobView } from '@imgrec/shared';
import type { ResultsRecord } from '../../ports.js';
import { buildSqliteResultsRepository } from './sqliteResultsRepository.js';
import { SAMPLE_TENANT_ID, callbackDelivered, viewWith as sampleView } from '../../testing/sampleViews.js';

const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

const RETENTION = { recordRetentionDays: 90 };

/** When the tests read: shortly after the sample views were created. */
const NOW = new Date('2026-11-27T12:30:00.000Z');

/** 2026-11-27T12:00:00Z, when the sample views were created, plus 90 days, in epoch seconds. */
const SAMPLE_DELETE_AFTER = Date.parse('2027-02-25T12:00:00.000Z') / 1000;

const viewWith = (status: BlobStatus) => sampleView(status, BLOB_ID);

const delivered = callbackDelivered(BLOB_ID);

const owned = (parts: Omit<ResultsRecord, 'tenantId'>): ResultsRecord => ({ tenantId: SAMPLE_TENANT_ID, ...parts });

const served = (view: BlobView) => ({ tenantId: SAMPLE_TENANT_ID, view });

describe('buildSqliteResultsRepository', () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(':memory:');
  });

  afterEach(() => {
    db.close();
  });

  const storedRow = () =>
    db.prepare('SELECT version, tenant_id, status FROM blob_results WHERE blob_id = ?').get(BLOB_ID) as
      { version: number; tenant_id: string; status: string | null } | undefined;

  /** Another process writing the same blob: it bumps the version the way every adapter write does. */
  const writeConcurrently = (view: BlobView) =>
    db
      .prepare('UPDATE blob_results SET version = version + 1, status = ?, view = ? WHERE blob_id = ?')
      .run(view.status, JSON.stringify(view), BLOB_ID);

  it('reads nothing for a blob it has never seen', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    expect(await repository.get(BLOB_ID, NOW)).toBeUndefined();
    expect(await repository.apply(BLOB_ID, () => undefined)).toBeUndefined();
  });

  it('creates the record on the first write, keeps its owner in a column, and serves its view', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    const record = owned({ view: viewWith('awaiting_upload') });
    expect(await repository.apply(BLOB_ID, () => record)).toStrictEqual(record);
    expect(await repository.get(BLOB_ID, NOW)).toStrictEqual(served(viewWith('awaiting_upload')));
    expect(storedRow()).toStrictEqual({ version: 1, tenant_id: SAMPLE_TENANT_ID, status: 'awaiting_upload' });
  });

  it('hands the stored record to the change and bumps the version on every write', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    await repository.apply(BLOB_ID, () => owned({ view: viewWith('awaiting_upload') }));
    const seen: (ResultsRecord | undefined)[] = [];
    await repository.apply(BLOB_ID, (current) => {
      seen.push(current);
      return owned({ view: viewWith('processing') });
    });
    expect(seen).toStrictEqual([owned({ view: viewWith('awaiting_upload') })]);
    expect(storedRow()).toStrictEqual({ version: 2, tenant_id: SAMPLE_TENANT_ID, status: 'processing' });
  });

  it('writes nothing when the change returns undefined, and resolves to the record as stored', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    await repository.apply(BLOB_ID, () => owned({ view: viewWith('processing') }));
    expect(await repository.apply(BLOB_ID, () => undefined)).toStrictEqual(owned({ view: viewWith('processing') }));
    expect(storedRow()).toStrictEqual({ version: 1, tenant_id: SAMPLE_TENANT_ID, status: 'processing' });
  });

  it('keeps early callback outcomes with no view and no status, and serves no view for them', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    await repository.apply(BLOB_ID, () => owned({ earlyCallbackOutcomes: [delivered] }));
    expect(await repository.get(BLOB_ID, NOW)).toBeUndefined();
    expect(storedRow()).toStrictEqual({ version: 1, tenant_id: SAMPLE_TENANT_ID, status: null });
    expect(await repository.apply(BLOB_ID, () => undefined)).toStrictEqual(
      owned({ earlyCallbackOutcomes: [delivered] }),
    );
  });

  it('recomputes on the fresh record when another writer got in between, so state cannot regress', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    await repository.apply(BLOB_ID, () => owned({ view: viewWith('awaiting_upload') }));
    const statusesSeen: (BlobStatus | undefined)[] = [];

    const stored = await repository.apply(BLOB_ID, (current) => {
      statusesSeen.push(current?.view?.status);
      if (statusesSeen.length === 1) writeConcurrently(viewWith('succeeded'));
      // The BlobCreated rule: only an awaiting_upload blob moves to processing.
      return current?.view?.status === 'awaiting_upload' ? owned({ view: viewWith('processing') }) : undefined;
    });

    expect(statusesSeen).toStrictEqual(['awaiting_upload', 'succeeded']);
    expect(stored).toStrictEqual(owned({ view: viewWith('succeeded') }));
    expect(await repository.get(BLOB_ID, NOW)).toStrictEqual(served(viewWith('succeeded')));
  });

  it('recomputes as an update when another writer created the record first', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    const statusesSeen: (BlobStatus | undefined)[] = [];

    await repository.apply(BLOB_ID, (current) => {
      statusesSeen.push(current?.view?.status);
      if (statusesSeen.length === 1) {
        db.prepare(
          "INSERT INTO blob_results (blob_id, version, tenant_id, status, view) VALUES (?, 1, ?, 'processing', ?)",
        ).run(BLOB_ID, SAMPLE_TENANT_ID, JSON.stringify(viewWith('processing')));
      }
      return current === undefined ? owned({ view: viewWith('awaiting_upload') }) : undefined;
    });

    expect(statusesSeen).toStrictEqual([undefined, 'processing']);
    expect(await repository.get(BLOB_ID, NOW)).toStrictEqual(served(viewWith('processing')));
  });

  it('gives up with an error when every write loses to another writer', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    await repository.apply(BLOB_ID, () => owned({ view: viewWith('awaiting_upload') }));
    await expect(
      repository.apply(BLOB_ID, () => {
        writeConcurrently(viewWith('awaiting_upload'));
        return owned({ view: viewWith('processing') });
      }),
    ).rejects.toThrow(`results for blob ${BLOB_ID} kept changing under concurrent writers`);
    expect(await repository.get(BLOB_ID, NOW)).toStrictEqual(served(viewWith('awaiting_upload')));
  });

  it('keeps its table and rows when built again over the same database', async () => {
    await buildSqliteResultsRepository(db, RETENTION).apply(BLOB_ID, () => owned({ view: viewWith('failed') }));
    expect(await buildSqliteResultsRepository(db, RETENTION).get(BLOB_ID, NOW)).toStrictEqual(
      served(viewWith('failed')),
    );
  });

  it('refuses to serve a stored view that does not match the contract', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    db.prepare(
      "INSERT INTO blob_results (blob_id, version, tenant_id, status, view) VALUES (?, 1, ?, 'processing', ?)",
    ).run(BLOB_ID, SAMPLE_TENANT_ID, JSON.stringify({ blob_id: BLOB_ID, status: 'processing' }));
    await expect(repository.get(BLOB_ID, NOW)).rejects.toThrow();
  });

  it('keeps the list’s columns and the retention beside the view', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    await repository.apply(BLOB_ID, () =>
      owned({
        view: { ...viewWith('awaiting_upload'), created_at: '2026-11-27T12:00:00Z' },
        expiresAt: '2026-11-27T12:10:00.000Z',
      }),
    );
    expect(db.prepare('SELECT created_at, expires_at, deleted_at, delete_after FROM blob_results').get()).toStrictEqual(
      {
        created_at: '2026-11-27T12:00:00.000Z',
        expires_at: '2026-11-27T12:10:00.000Z',
        deleted_at: null,
        delete_after: SAMPLE_DELETE_AFTER,
      },
    );
  });

  it('keeps a tombstone as its owner and deletion alone, for the retention from the deletion', async () => {
    const repository = buildSqliteResultsRepository(db, RETENTION);
    await repository.apply(BLOB_ID, () =>
      owned({ view: viewWith('succeeded'), expiresAt: '2026-11-27T12:10:00.000Z' }),
    );
    await repository.apply(BLOB_ID, () => owned({ deletedAt: '2026-11-28T12:00:00.000Z' }));
    expect(
      db
        .prepare(
          'SELECT tenant_id, status, view, early_callback_outcomes, created_at, expires_at, deleted_at, delete_after FROM blob_results',
        )
        .get(),
    ).toStrictEqual({
      tenant_id: SAMPLE_TENANT_ID,
      status: null,
      view: null,
      early_callback_outcomes: null,
      created_at: null,
      expires_at: null,
      deleted_at: '2026-11-28T12:00:00.000Z',
      delete_after: SAMPLE_DELETE_AFTER + 86_400,
    });
  });

  it('reads a page of the list through its index, without sorting', () => {
    buildSqliteResultsRepository(db, RETENTION);
    const plan = db
      .prepare<[], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT view FROM blob_results
         WHERE tenant_id = 't' AND created_at IS NOT NULL AND delete_after > 0
           AND (created_at, blob_id) < ('2026-11-27T12:00:00.000Z', 'AAAAAAAAAAAAAAAAAAAAAA')
         ORDER BY created_at DESC, blob_id DESC LIMIT 21`,
      )
      .all()
      .map((step) => step.detail);
    expect(plan).toStrictEqual([expect.stringContaining('USING INDEX blob_results_by_tenant_created')]);
  });

  it('gives the dev tenant the blobs of a data dir from before tenants', async () => {
    db.exec(`CREATE TABLE blob_results (
      blob_id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT, view TEXT, early_callback_outcomes TEXT
    ) STRICT`);
    const legacy = viewWith('succeeded');
    db.prepare("INSERT INTO blob_results VALUES (?, 3, 'succeeded', ?, NULL)").run(BLOB_ID, JSON.stringify(legacy));
    expect(await buildSqliteResultsRepository(db, RETENTION).get(BLOB_ID, NOW)).toEqual({
      tenantId: 'dev',
      view: legacy,
    });
  });

  it('lists the blobs of a data dir from before the list, and keeps them for the retention', async () => {
    db.exec(`CREATE TABLE blob_results (
      blob_id TEXT PRIMARY KEY, version INTEGER NOT NULL, tenant_id TEXT NOT NULL, status TEXT, view TEXT,
      early_callback_outcomes TEXT
    ) STRICT`);
    const insert = db.prepare('INSERT INTO blob_results VALUES (?, 1, ?, ?, ?, ?)');
    const older = 'OOOOOOOOOOOOOOOOOOOOOO';
    insert.run(older, SAMPLE_TENANT_ID, 'awaiting_upload', JSON.stringify(sampleView('awaiting_upload', older)), null);
    const newer = { ...viewWith('succeeded'), created_at: '2026-11-27T12:05:00Z' };
    insert.run(BLOB_ID, SAMPLE_TENANT_ID, 'succeeded', JSON.stringify(newer), null);
    insert.run('EEEEEEEEEEEEEEEEEEEEEE', SAMPLE_TENANT_ID, null, null, JSON.stringify([delivered]));
    insert.run('XXXXXXXXXXXXXXXXXXXXXX', SAMPLE_TENANT_ID, 'processing', '{"blob_id": "truncated', null);

    const repository = buildSqliteResultsRepository(db, RETENTION);

    const page = await repository.list(SAMPLE_TENANT_ID, { limit: 20, now: NOW });
    // Its expiry was not kept: the longest an upload URL lives, 10 minutes, stands in for it.
    expect(page.items).toStrictEqual([
      { tenantId: SAMPLE_TENANT_ID, view: newer },
      { tenantId: SAMPLE_TENANT_ID, view: sampleView('awaiting_upload', older), expiresAt: '2026-11-27T12:10:00.000Z' },
    ]);
    const deleteAfter = db
      .prepare<[], { blob_id: string; delete_after: number | null }>('SELECT blob_id, delete_after FROM blob_results')
      .all();
    expect(deleteAfter.filter((row) => row.delete_after === null)).toStrictEqual([]);
    expect(deleteAfter.find((row) => row.blob_id === older)?.delete_after).toBe(SAMPLE_DELETE_AFTER);
  });
});
