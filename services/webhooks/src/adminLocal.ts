import { openDatabase } from '@imgrec/shared/local';
import { join } from 'node:path';
import { buildAesGcmSecretCipher } from './adapters/aesGcmSecretCipher/aesGcmSecretCipher.js';
import { ensureLocalSecretsKey } from './adapters/localSecretsKey/localSecretsKey.js';
import { buildSqliteTenantSecretStore } from './adapters/sqliteTenantSecretStore/sqliteTenantSecretStore.js';
import type { ClosableTenantSecretStore } from './ports.js';

export type { ClosableTenantSecretStore } from './ports.js';

/** The webhooks service's database in the data dir: the file the local platform opens for the service. */
export const WEBHOOKS_DB_FILE = 'webhooks.db';

/**
 * The tenants' webhook secrets of a local data dir, through a connection of its own: for commands that run next to
 * the server (the admin CLI), which SQLite's WAL mode allows. Creates the database and the secrets key
 * (`webhook-secrets-key`) if the data dir has none yet.
 * @throws Error when the key file is not 32 bytes long, or the data dir cannot be written.
 */
export const localTenantSecretStore = (dataDir: string): ClosableTenantSecretStore => {
  const cipher = buildAesGcmSecretCipher(ensureLocalSecretsKey(dataDir));
  const db = openDatabase(join(dataDir, WEBHOOKS_DB_FILE));
  return { ...buildSqliteTenantSecretStore(db, cipher), close: () => db.close() };
};
