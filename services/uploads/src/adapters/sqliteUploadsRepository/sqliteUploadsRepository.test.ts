import { describe, expect, it } from '@jest/globals';
import { openDatabase } from '@imgrec/shared/local';
import Database from 'better-sqlite3';
import type { UploadRecord } from '../../ports.js';
import { buildSqliteUploadsRepository } from './sqliteUploadsRepository.js';

const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('buildSqliteUploadsRepository on a data dir from before tenants', () => {
  const legacyDatabase = () => {
    const db = new Database(':memory:');
    db.exec(`
      CREATE TABLE uploads (blob_id TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE idempotency_keys (
        key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL);
    `);
    const record = {
      blob_id: BLOB_ID,
      content_type: 'image/jpeg',
      options: { min_confidence: 30, max_labels: 20 },
      created_at: '2026-11-27T12:00:00.000Z',
      expires_at: '2026-11-27T12:10:00.000Z',
      stored_at: '2026-11-27T12:01:00.000Z',
    };
    db.prepare('INSERT INTO uploads VALUES (?, ?)').run(BLOB_ID, JSON.stringify(record));
    db.prepare('INSERT INTO idempotency_keys VALUES (?, ?, ?, ?)').run(
      'retry-1',
      'hash',
      JSON.stringify({ blob_id: BLOB_ID }),
      Date.now(),
    );
    return db;
  };

  it('gives its uploads and idempotency keys to the dev tenant, and counts stored images as announced', async () => {
    const repository = buildSqliteUploadsRepository(legacyDatabase());
    expect(await repository.get(BLOB_ID)).toMatchObject({
      tenant_id: 'dev',
      stored_at: '2026-11-27T12:01:00.000Z',
      announced_at: '2026-11-27T12:01:00.000Z',
    });
    expect(await repository.findIdempotent('dev', 'retry-1')).toEqual({
      requestHash: 'hash',
      response: { blob_id: BLOB_ID },
    });
    expect(await repository.findIdempotent('tnt_other', 'retry-1')).toBeUndefined();
  });

  it('migrates once: a second open leaves the data as it is', async () => {
    const db = legacyDatabase();
    buildSqliteUploadsRepository(db);
    const repository = buildSqliteUploadsRepository(db);
    expect((await repository.get(BLOB_ID))?.tenant_id).toBe('dev');
  });
});

describe('buildSqliteUploadsRepository sweep', () => {
  const T0 = Date.parse('2026-11-27T12:00:00.000Z');
  const HOUR = 60 * 60 * 1000;

  /** A repository holding blobs created at the given moments, each under an Idempotency-Key named like it. */
  const repositoryWith = async (created: Record<string, number>) => {
    let clock = T0;
    const db = openDatabase(':memory:');
    const repository = buildSqliteUploadsRepository(db, () => new Date(clock));
    for (const [blobId, at] of Object.entries(created)) {
      clock = at;
      const record: UploadRecord = {
        blob_id: blobId,
        tenant_id: 'tnt_a',
        content_type: 'image/jpeg',
        options: { min_confidence: 30, max_labels: 20 },
        created_at: new Date(at).toISOString(),
        expires_at: new Date(at + 600_000).toISOString(),
        idempotency_key: `key-${blobId}`,
      };
      await repository.create(record, {
        key: `key-${blobId}`,
        requestHash: 'hash',
        response: {
          blob_id: blobId,
          upload_url: `http://127.0.0.1:3000/uploads/${blobId}`,
          upload_method: 'PUT',
          upload_headers: {},
          expires_at: record.expires_at,
          status_url: `http://localhost:3000/blobs/${blobId}`,
        },
      });
    }
    // The keys held, expired or not: a key past its window no longer replays, but only the sweep deletes it.
    const keys = () => db.prepare('SELECT key FROM idempotency_keys ORDER BY key').pluck().all();
    return { repository, keys };
  };

  it('deletes the records created before the record deadline, with their keys, and keeps the rest', async () => {
    // Prepare
    const { repository, keys } = await repositoryWith({ old: T0 - 2 * HOUR, kept: T0 - HOUR });

    // Act
    const deleted = repository.sweep({
      recordsCreatedBefore: new Date(T0 - HOUR),
      keysCreatedBefore: new Date(T0 - 10 * HOUR),
    });

    // Assess
    expect(deleted).toBe(2);
    expect(await repository.get('old')).toBeUndefined();
    expect(await repository.get('kept')).toMatchObject({ blob_id: 'kept' });
    expect(keys()).toEqual(['key-kept']);
  });

  it('deletes the Idempotency-Keys claimed before the key deadline, and keeps their records', async () => {
    // Prepare
    const { repository, keys } = await repositoryWith({ older: T0 - 25 * HOUR, newer: T0 - 23 * HOUR });

    // Act
    const deleted = repository.sweep({
      recordsCreatedBefore: new Date(T0 - 90 * 24 * HOUR),
      keysCreatedBefore: new Date(T0 - 24 * HOUR),
    });

    // Assess
    expect(deleted).toBe(1);
    expect(keys()).toEqual(['key-newer']);
    expect(await repository.get('older')).toMatchObject({ blob_id: 'older' });
  });

  it('deletes nothing, and says so, when nothing is past its deadline', async () => {
    // Prepare
    const { repository, keys } = await repositoryWith({ fresh: T0 });

    // Act
    const deleted = repository.sweep({ recordsCreatedBefore: new Date(T0), keysCreatedBefore: new Date(T0) });

    // Assess
    expect(deleted).toBe(0);
    expect(await repository.get('fresh')).toMatchObject({ blob_id: 'fresh' });
    expect(keys()).toEqual(['key-fresh']);
  });
});
