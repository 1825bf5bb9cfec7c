import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { BlobStatus, BlobView } from '@imgrec/shared';
import type { ResultsRecord } from '../../ports.js';
import { buildSqliteResultsRepository } from './sqliteResultsRepository.js';
import { SAMPLE_TENANT_ID, callbackDelivered, viewWith as sampleView } from '../../testing/sampleViews.js';

const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

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
    const repository = buildSqliteResultsRepository(db);
    expect(await repository.get(BLOB_ID)).toBeUndefined();
    expect(await repository.apply(BLOB_ID, () => undefined)).toBeUndefined();
  });

  it('creates the record on the first write, keeps its owner in a column, and serves its view', async () => {
    const repository = buildSqliteResultsRepository(db);
    const record = owned({ view: viewWith('awaiting_upload') });
    expect(await repository.apply(BLOB_ID, () => record)).toStrictEqual(record);
    expect(await repository.get(BLOB_ID)).toStrictEqual(served(viewWith('awaiting_upload')));
    expect(storedRow()).toStrictEqual({ version: 1, tenant_id: SAMPLE_TENANT_ID, status: 'awaiting_upload' });
  });

  it('hands the stored record to the change and bumps the version on every write', async () => {
    const repository = buildSqliteResultsRepository(db);
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
    const repository = buildSqliteResultsRepository(db);
    await repository.apply(BLOB_ID, () => owned({ view: viewWith('processing') }));
    expect(await repository.apply(BLOB_ID, () => undefined)).toStrictEqual(owned({ view: viewWith('processing') }));
    expect(storedRow()).toStrictEqual({ version: 1, tenant_id: SAMPLE_TENANT_ID, status: 'processing' });
  });

  it('keeps early callback outcomes with no view and no status, and serves no view for them', async () => {
    const repository = buildSqliteResultsRepository(db);
    await repository.apply(BLOB_ID, () => owned({ earlyCallbackOutcomes: [delivered] }));
    expect(await repository.get(BLOB_ID)).toBeUndefined();
    expect(storedRow()).toStrictEqual({ version: 1, tenant_id: SAMPLE_TENANT_ID, status: null });
    expect(await repository.apply(BLOB_ID, () => undefined)).toStrictEqual(
      owned({ earlyCallbackOutcomes: [delivered] }),
    );
  });

  it('recomputes on the fresh record when another writer got in between, so state cannot regress', async () => {
    const repository = buildSqliteResultsRepository(db);
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
    expect(await repository.get(BLOB_ID)).toStrictEqual(served(viewWith('succeeded')));
  });

  it('recomputes as an update when another writer created the record first', async () => {
    const repository = buildSqliteResultsRepository(db);
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
    expect(await repository.get(BLOB_ID)).toStrictEqual(served(viewWith('processing')));
  });

  it('gives up with an error when every write loses to another writer', async () => {
    const repository = buildSqliteResultsRepository(db);
    await repository.apply(BLOB_ID, () => owned({ view: viewWith('awaiting_upload') }));
    await expect(
      repository.apply(BLOB_ID, () => {
        writeConcurrently(viewWith('awaiting_upload'));
        return owned({ view: viewWith('processing') });
      }),
    ).rejects.toThrow(`results for blob ${BLOB_ID} kept changing under concurrent writers`);
    expect(await repository.get(BLOB_ID)).toStrictEqual(served(viewWith('awaiting_upload')));
  });

  it('keeps its table and rows when built again over the same database', async () => {
    await buildSqliteResultsRepository(db).apply(BLOB_ID, () => owned({ view: viewWith('failed') }));
    expect(await buildSqliteResultsRepository(db).get(BLOB_ID)).toStrictEqual(served(viewWith('failed')));
  });

  it('refuses to serve a stored view that does not match the contract', async () => {
    const repository = buildSqliteResultsRepository(db);
    db.prepare(
      "INSERT INTO blob_results (blob_id, version, tenant_id, status, view) VALUES (?, 1, ?, 'processing', ?)",
    ).run(BLOB_ID, SAMPLE_TENANT_ID, JSON.stringify({ blob_id: BLOB_ID, status: 'processing' }));
    await expect(repository.get(BLOB_ID)).rejects.toThrow();
  });

  it('gives the dev tenant the blobs of a data dir from before tenants', async () => {
    db.exec(`CREATE TABLE blob_results (
      blob_id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT, view TEXT, early_callback_outcomes TEXT
    ) STRICT`);
    const legacy = viewWith('succeeded');
    db.prepare("INSERT INTO blob_results VALUES (?, 3, 'succeeded', ?, NULL)").run(BLOB_ID, JSON.stringify(legacy));
    expect(await buildSqliteResultsRepository(db).get(BLOB_ID)).toEqual({ tenantId: 'dev', view: legacy });
  });
});
