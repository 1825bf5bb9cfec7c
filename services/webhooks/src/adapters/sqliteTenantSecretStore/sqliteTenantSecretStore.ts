import type { Database } from 'better-sqlite3';
import type { SecretCipher, TenantSecretStore } from '../../ports.js';
import { openSecrets, sealSecret, storedSecretsSchema, withSecretAdded } from '../storedSecrets/storedSecrets.js';

/**
 * The tenants' webhook secrets in the webhooks service's own SQLite database (local mode): one row per tenant, its
 * secrets a JSON list of {secret_id, ciphertext, created_at, expires_at?}, the DynamoDB adapter's item in a row.
 * Secrets are encrypted with `cipher` before they reach the database and decrypted as they are listed; the
 * database never holds one in clear. An add is one transaction, so the admin CLI may add while the server reads.
 */
export const buildSqliteTenantSecretStore = (db: Database, cipher: SecretCipher): TenantSecretStore => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS tenant_secrets (
      tenant_id TEXT PRIMARY KEY,
      secrets TEXT NOT NULL
    );
  `);
  const select = db.prepare<[string], { secrets: string }>('SELECT secrets FROM tenant_secrets WHERE tenant_id = ?');
  const upsert = db.prepare(
    `INSERT INTO tenant_secrets (tenant_id, secrets) VALUES (?, ?)
     ON CONFLICT (tenant_id) DO UPDATE SET secrets = excluded.secrets`,
  );
  const read = (tenantId: string) => {
    const row = select.get(tenantId);
    return row ? storedSecretsSchema.parse(JSON.parse(row.secrets)) : [];
  };
  return {
    list: async (tenantId) => openSecrets(cipher, tenantId, read(tenantId)),
    add: async (tenantId, secret, options = {}) => {
      const sealed = await sealSecret(cipher, tenantId, secret);
      // IMMEDIATE: the write lock is taken before the read, so another process's add cannot slip in between.
      db.transaction(() => {
        upsert.run(tenantId, JSON.stringify(withSecretAdded(read(tenantId), sealed, options.retireOthersAt)));
      }).immediate();
    },
  };
};
