import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
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
