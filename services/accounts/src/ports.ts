import type { Clock } from '@imgrec/shared';

/** A tenant is one customer: every blob belongs to the tenant whose API key created it. */
export type TenantStatus = 'active' | 'disabled';

export interface Tenant {
  tenant_id: string;
  name: string;
  status: TenantStatus;
  /** New blobs allowed per UTC day; absent means unlimited. */
  max_blobs_per_day?: number;
  created_at: string;
}

/** An API key as stored: never the key itself, only its SHA-256 (hex). */
export interface ApiKeyRecord {
  /** The public handle of the key, shown in listings and used to revoke it. */
  key_id: string;
  tenant_id: string;
  key_hash: string;
  created_at: string;
  expires_at?: string;
  revoked_at?: string;
}

/** What the authorizer reads for one presented key: the key and the tenant it belongs to. */
export interface KeyLookup {
  key: ApiKeyRecord;
  tenant: Tenant;
}

/**
 * The tenants and API key hashes the accounts service owns. Adapters: SQLite (local), DynamoDB (aws). Every write
 * is atomic; reads are strongly consistent, so a revocation or a disabled tenant counts at the next read.
 */
export interface AccountsStore {
  /** @throws ConflictError `tenant_exists` when the id is taken. */
  createTenant(tenant: Tenant): Promise<void>;
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  /** Every tenant, oldest first. */
  listTenants(): Promise<Tenant[]>;
  /** Sets the tenant's status; undefined for an unknown tenant. */
  setTenantStatus(tenantId: string, status: TenantStatus): Promise<Tenant | undefined>;
  /** @throws NotFoundError `tenant_not_found` when the tenant does not exist; ConflictError for a taken id or hash. */
  createKey(key: ApiKeyRecord): Promise<void>;
  /** The tenant's keys, oldest first, revoked ones included. */
  listKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked (a second revocation keeps the first time); undefined for an unknown key. */
  revokeKey(keyId: string, revokedAt: string): Promise<ApiKeyRecord | undefined>;
  /** The key with this hash and its tenant, whatever their state; undefined when no key has it. */
  findKeyByHash(keyHash: string): Promise<KeyLookup | undefined>;
}

/** Everything the accounts service's functions and use cases depend on; each narrows it with `Pick<>`. */
export interface AccountsDeps {
  store: AccountsStore;
  now: Clock;
  /** Whether the stack can serve requests: always on AWS; locally, once every function's init ran. */
  isReady: () => boolean;
}

/** A store its caller opened for itself (the admin CLI, local mode's start): close() lets go of its connection. */
export interface OpenedAccountsStore extends AccountsStore {
  close(): void;
}
