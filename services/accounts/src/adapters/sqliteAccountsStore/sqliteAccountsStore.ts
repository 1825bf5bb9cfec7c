import type { Database } from 'better-sqlite3';
import { ConflictError, NotFoundError } from '@imgrec/shared';
import type { AccountsStore, ApiKeyRecord, KeyLookup, Tenant, TenantStatus } from '../../ports.js';
import { storedApiKeySchema, storedTenantSchema } from '../storedAccounts/storedAccounts.js';

/** A row with SQL NULLs as absent fields, the way the port's records leave optional fields out. */
const withoutNulls = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));

/** Key lookups kept between writes: far more keys than one machine's clients use, and a bounded memory. */
const MAX_CACHED_LOOKUPS = 10_000;

const decodeTenant = (row: Record<string, unknown>): Tenant => storedTenantSchema.parse(withoutNulls(row));
const decodeKey = (row: Record<string, unknown>): ApiKeyRecord => storedApiKeySchema.parse(withoutNulls(row));

/**
 * The accounts store over SQLite (local mode): tables `tenants` and `api_keys`. Each method runs in one
 * transaction, so the admin CLI can write while the server reads the same file (the caller opens it in WAL mode).
 * Creates its tables if missing.
 */
export const buildSqliteAccountsStore = (db: Database): AccountsStore => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS tenants (
      tenant_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
      max_blobs_per_day INTEGER,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS api_keys (
      key_id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
      key_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      expires_at TEXT,
      revoked_at TEXT
    ) STRICT;
    CREATE INDEX IF NOT EXISTS api_keys_by_tenant ON api_keys (tenant_id, created_at);
  `);

  const TENANT_COLUMNS = 'tenant_id, name, status, max_blobs_per_day, created_at';
  const KEY_COLUMNS = 'key_id, tenant_id, key_hash, created_at, expires_at, revoked_at';
  type Row = Record<string, unknown>;

  const insertTenant = db.prepare<[Record<string, unknown>]>(`
    INSERT INTO tenants (${TENANT_COLUMNS})
    VALUES (@tenant_id, @name, @status, @max_blobs_per_day, @created_at)
    ON CONFLICT (tenant_id) DO NOTHING
  `);
  const selectTenant = db.prepare<[string], Row>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE tenant_id = ?`);
  const selectTenants = db.prepare<[], Row>(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, tenant_id`);
  const updateStatus = db.prepare<[TenantStatus, string]>('UPDATE tenants SET status = ? WHERE tenant_id = ?');
  const insertKey = db.prepare<[Record<string, unknown>]>(`
    INSERT INTO api_keys (${KEY_COLUMNS})
    VALUES (@key_id, @tenant_id, @key_hash, @created_at, @expires_at, @revoked_at)
  `);
  const selectKey = db.prepare<[string], Row>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_id = ?`);
  const selectTakenKey = db.prepare<[string, string], Row>(
    'SELECT 1 FROM api_keys WHERE key_id = ? OR key_hash = ? LIMIT 1',
  );
  const selectKeyByHash = db.prepare<[string], Row>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`);
  const selectKeys = db.prepare<[string], Row>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = ? ORDER BY created_at, key_id`,
  );
  // COALESCE keeps the first revocation time when a key is revoked again.
  const revoke = db.prepare<[string, string]>(
    'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_id = ?',
  );

  const createTenant = db.transaction((tenant: Tenant) => {
    const { changes } = insertTenant.run({
      tenant_id: tenant.tenant_id,
      name: tenant.name,
      status: tenant.status,
      max_blobs_per_day: tenant.max_blobs_per_day ?? null,
      created_at: tenant.created_at,
    });
    if (changes === 0) throw new ConflictError('tenant_exists', `A tenant with the id ${tenant.tenant_id} exists.`);
  });

  const readTenant = (tenantId: string): Tenant | undefined => {
    const row = selectTenant.get(tenantId);
    return row && decodeTenant(row);
  };

  const getTenant = db.transaction(readTenant);

  const listTenants = db.transaction(() => selectTenants.all().map(decodeTenant));

  const setTenantStatus = db.transaction((tenantId: string, status: TenantStatus) => {
    updateStatus.run(status, tenantId);
    return readTenant(tenantId);
  });

  const createKey = db.transaction((key: ApiKeyRecord) => {
    if (!selectTenant.get(key.tenant_id)) {
      throw new NotFoundError('tenant_not_found', `No tenant has the id ${key.tenant_id}.`);
    }
    if (selectTakenKey.get(key.key_id, key.key_hash)) {
      throw new ConflictError('key_exists', 'An API key with this id or hash exists.');
    }
    insertKey.run({
      key_id: key.key_id,
      tenant_id: key.tenant_id,
      key_hash: key.key_hash,
      created_at: key.created_at,
      expires_at: key.expires_at ?? null,
      revoked_at: key.revoked_at ?? null,
    });
  });

  const listKeys = db.transaction((tenantId: string) => selectKeys.all(tenantId).map(decodeKey));

  const revokeKey = db.transaction((keyId: string, revokedAt: string) => {
    revoke.run(revokedAt, keyId);
    const row = selectKey.get(keyId);
    return row && decodeKey(row);
  });

  const findKeyByHash = db.transaction((keyHash: string) => {
    const row = selectKeyByHash.get(keyHash);
    if (!row) return undefined;
    const key = decodeKey(row);
    const tenant = readTenant(key.tenant_id);
    // Tenants are never deleted, so this is a damaged database: fail rather than guess.
    if (!tenant) throw new Error(`API key ${key.key_id} belongs to no tenant`);
    return { key, tenant };
  });

  // Every protected request looks its key up, and the lookup (a transaction, two reads, two decodes) was the
  // authorizer's largest cost. SQLite's data_version changes whenever another connection (the admin CLI) commits, and
  // this store's own writes clear the cache, so a revocation still takes effect at the very next request.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const lookups = new Map<string, KeyLookup | undefined>();
  let lookupsVersion = dataVersion.get();
  const cachedFindKeyByHash = (keyHash: string): KeyLookup | undefined => {
    const version = dataVersion.get();
    if (version !== lookupsVersion) {
      lookups.clear();
      lookupsVersion = version;
    }
    if (lookups.has(keyHash)) return lookups.get(keyHash);
    const found = findKeyByHash(keyHash);
    // Unknown hashes are kept too (a client retrying a bad key), so a flood of random keys must not grow it forever.
    if (lookups.size >= MAX_CACHED_LOOKUPS) lookups.clear();
    lookups.set(keyHash, found);
    return found;
  };
  const afterWrite = <T>(result: T): T => {
    lookups.clear();
    return result;
  };

  // Writes take the write lock as they begin (BEGIN IMMEDIATE), so that what they check and what they write are one
  // state, even with another process (the admin CLI) writing the same file.
  return {
    createTenant: async (tenant) => afterWrite(createTenant.immediate(tenant)),
    getTenant: async (tenantId) => getTenant(tenantId),
    listTenants: async () => listTenants(),
    setTenantStatus: async (tenantId, status) => afterWrite(setTenantStatus.immediate(tenantId, status)),
    createKey: async (key) => afterWrite(createKey.immediate(key)),
    listKeys: async (tenantId) => listKeys(tenantId),
    revokeKey: async (keyId, revokedAt) => afterWrite(revokeKey.immediate(keyId, revokedAt)),
    findKeyByHash: async (keyHash) => cachedFindKeyByHash(keyHash),
  };
};
