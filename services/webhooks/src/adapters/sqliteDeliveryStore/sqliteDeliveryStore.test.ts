import { describe, expect, it } from '@jest/globals';
import { openDatabase } from '@imgrec/shared/local';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDeliveryStoreContract } from '../deliveryStoreContract.js';
import { buildSqliteDeliveryStore } from './sqliteDeliveryStore.js';

describeDeliveryStoreContract('SQLite', () => buildSqliteDeliveryStore(openDatabase(':memory:')));

describe('buildSqliteDeliveryStore', () => {
  it('keeps deliveries across a reopen of the database file, as after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgrec-deliveries-'));
    try {
      const file = join(dir, 'webhooks.db');
      const first = openDatabase(file);
      await buildSqliteDeliveryStore(first).create({
        blobId: 'b1',
        webhookId: 'msg_b1',
        url: 'https://hooks.example.com/',
        eventType: 'blob.recognition_failed',
        payload: '{}',
        now: new Date(),
      });
      first.close();
      const reopened = buildSqliteDeliveryStore(openDatabase(file));
      expect(await reopened.get('b1')).toMatchObject({ webhookId: 'msg_b1', eventType: 'blob.recognition_failed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
