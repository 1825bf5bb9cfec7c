import { ConflictError, NotFoundError, tenantIdSchema, ValidationError } from '@imgrec/shared';
import { generateApiKey, hashApiKey, newKeyId, newTenantId } from '../apiKeys/apiKeys.js';
import type { AccountsDeps, AccountsStore, ApiKeyRecord, Tenant } from '../ports.js';

export type ManageAccountsDeps = Pick<AccountsDeps, 'store' | 'now'>;

/** An API key as the admin commands show it: everything but its hash. */
export type ApiKeySummary = Omit<ApiKeyRecord, 'key_hash'>;

export interface NewTenant {
  /** 1–100 printable characters. */
  name: string;
  /** New blobs allowed per UTC day, an integer ≥ 0; unlimited when absent. */
  maxBlobsPerDay?: number;
}

/** A new tenant and its first API key. The key is shown this once: only its hash is kept. */
export interface CreatedTenant {
  tenant: Tenant;
  key_id: string;
  api_key: string;
}

/** A new API key, shown this once: only its hash is kept. */
export interface CreatedApiKey {
  key_id: string;
  api_key: string;
}

/** The admin commands on tenants and API keys (`npm run admin -- tenants …`, `keys …`). */
export interface AccountsAdmin {
  /** @throws ValidationError `invalid_tenant_name` / `invalid_max_blobs_per_day`. */
  createTenant(input: NewTenant): Promise<CreatedTenant>;
  /**
   * A new key for the tenant, valid until `expiresAt` when given, otherwise until revoked.
   * @throws NotFoundError `tenant_not_found`; ConflictError `tenant_disabled`, whose keys would never work;
   *   ValidationError `invalid_expires_at` for an expiry that is not in the future.
   */
  createApiKey(tenantId: string, options?: { expiresAt?: Date }): Promise<CreatedApiKey>;
  /** Every tenant, oldest first. */
  listTenants(): Promise<Tenant[]>;
  /**
   * The tenant's keys, oldest first, revoked and expired ones included.
   * @throws NotFoundError `tenant_not_found`.
   */
  listKeys(tenantId: string): Promise<ApiKeySummary[]>;
  /**
   * Revokes a key for good; revoking it again changes nothing.
   * @throws NotFoundError `key_not_found`.
   */
  revokeApiKey(keyId: string): Promise<ApiKeySummary>;
  /**
   * Disables a tenant: none of its keys works any more. Disabling it again changes nothing.
   * @throws NotFoundError `tenant_not_found`.
   */
  disableTenant(tenantId: string): Promise<Tenant>;
}

const NAME_MAX_CHARACTERS = 100;
// Control, format (bidi overrides, zero-width), private-use and unpaired surrogate characters, and line breaks: a
// name is shown in listings and logs, where these would hide or rearrange text.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;

// Every id this service issues has this form (tnt_…, key_…, dev); anything else cannot name a stored record.
const isPossibleId = (id: string): boolean => tenantIdSchema.safeParse(id).success;

const tenantNotFound = (tenantId: string) => new NotFoundError('tenant_not_found', `No tenant has the id ${tenantId}.`);

const summary = ({ key_hash: _hash, ...key }: ApiKeyRecord): ApiKeySummary => key;

const validName = (name: string): string => {
  const characters = [...name].length;
  if (characters < 1 || characters > NAME_MAX_CHARACTERS || name.trim() === '' || UNPRINTABLE.test(name)) {
    throw new ValidationError(
      'invalid_tenant_name',
      `The tenant name must be 1 to ${NAME_MAX_CHARACTERS} printable characters, not only spaces.`,
    );
  }
  return name;
};

const validQuota = (maxBlobsPerDay: number | undefined): number | undefined => {
  if (maxBlobsPerDay !== undefined && !(Number.isSafeInteger(maxBlobsPerDay) && maxBlobsPerDay >= 0)) {
    throw new ValidationError('invalid_max_blobs_per_day', 'max_blobs_per_day must be a whole number of 0 or more.');
  }
  return maxBlobsPerDay;
};

/**
 * Registers `apiKey` (a new one by default) for the tenant, stored as its hash, and returns the key with its new id.
 * For the admin commands and for local mode's dev tenant, whose key is kept in the data dir.
 * @throws NotFoundError `tenant_not_found`, from the store.
 */
export const registerApiKey = async (
  deps: ManageAccountsDeps,
  tenantId: string,
  options: { apiKey?: string; expiresAt?: Date } = {},
): Promise<CreatedApiKey> => {
  const apiKey = options.apiKey ?? generateApiKey();
  const key: ApiKeyRecord = {
    key_id: newKeyId(),
    tenant_id: tenantId,
    key_hash: hashApiKey(apiKey),
    created_at: deps.now().toISOString(),
    ...(options.expiresAt !== undefined && { expires_at: options.expiresAt.toISOString() }),
  };
  await deps.store.createKey(key);
  return { key_id: key.key_id, api_key: apiKey };
};

const existingTenant = async (store: AccountsStore, tenantId: string): Promise<Tenant> => {
  const tenant = isPossibleId(tenantId) ? await store.getTenant(tenantId) : undefined;
  if (!tenant) throw tenantNotFound(tenantId);
  return tenant;
};

/** The admin commands on the given store. Timestamps come from `now`. */
export const manageAccounts = (deps: ManageAccountsDeps): AccountsAdmin => ({
  createTenant: async ({ name, maxBlobsPerDay }) => {
    const quota = validQuota(maxBlobsPerDay);
    const tenant: Tenant = {
      tenant_id: newTenantId(),
      name: validName(name),
      status: 'active',
      ...(quota !== undefined && { max_blobs_per_day: quota }),
      created_at: deps.now().toISOString(),
    };
    await deps.store.createTenant(tenant);
    const { key_id, api_key } = await registerApiKey(deps, tenant.tenant_id);
    return { tenant, key_id, api_key };
  },

  createApiKey: async (tenantId, options = {}) => {
    const { expiresAt } = options;
    if (expiresAt !== undefined && !(expiresAt.getTime() > deps.now().getTime())) {
      throw new ValidationError('invalid_expires_at', 'The expiry must be a valid time in the future.');
    }
    const tenant = await existingTenant(deps.store, tenantId);
    if (tenant.status !== 'active') {
      throw new ConflictError('tenant_disabled', `The tenant ${tenantId} is disabled: a new key would not work.`);
    }
    return registerApiKey(deps, tenantId, { expiresAt });
  },

  listTenants: () => deps.store.listTenants(),

  listKeys: async (tenantId) => {
    await existingTenant(deps.store, tenantId);
    return (await deps.store.listKeys(tenantId)).map(summary);
  },

  revokeApiKey: async (keyId) => {
    const revoked = isPossibleId(keyId) ? await deps.store.revokeKey(keyId, deps.now().toISOString()) : undefined;
    if (!revoked) throw new NotFoundError('key_not_found', `No API key has the id ${keyId}.`);
    return summary(revoked);
  },

  disableTenant: async (tenantId) => {
    const disabled = isPossibleId(tenantId) ? await deps.store.setTenantStatus(tenantId, 'disabled') : undefined;
    if (!disabled) throw tenantNotFound(tenantId);
    return disabled;
  },
});
