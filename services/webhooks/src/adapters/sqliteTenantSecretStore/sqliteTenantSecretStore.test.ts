import { describe, expect, it } from '@jest/globals';
import { generateWebhookSecret } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAesGcmSecretCipher } from '../aesGcmSecretCipher/aesGcmSecretCipher.js';
import { describeTenantSecretStoreContract } from '../tenantSecretStoreContract.js';
import { buildSqliteTenantSecretStore } from './sqliteTenantSecretStore.js';

describeTenantSecretStoreContract('SQLite', () => {
  const db = openDatabase(':memory:');
  return {
    store: buildSqliteTenantSecretStore(db, buildAesGcmSecretCipher(randomBytes(32))),
    raw: async (tenantId) => db.prepare('SELECT * FROM tenant_secrets WHERE tenant_id = ?').get(tenantId),
  };
});

describe('buildSqliteTenantSecretStore', () => {
  it('keeps secrets across a reopen of the database file with the same key, as after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgrec-tenant-secrets-'));
    try {
      const file = join(dir, 'webhooks.db');
      const cipher = buildAesGcmSecretCipher(randomBytes(32));
      const secret = { secret_id: 'sec_1', secret: generateWebhookSecret(), created_at: '2026-11-27T12:00:00.000Z' };
      const first = openDatabase(file);
      await buildSqliteTenantSecretStore(first, cipher).add('tenant_a', secret);
      first.close();
      expect(await buildSqliteTenantSecretStore(openDatabase(file), cipher).list('tenant_a')).toEqual([secret]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
