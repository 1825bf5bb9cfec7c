import type { AuthorizerContext } from '@imgrec/shared';
import { timingSafeEqual } from 'node:crypto';
import { hashApiKey, readBearerApiKey } from '../apiKeys/apiKeys.js';
import type { AccountsDeps, KeyLookup } from '../ports.js';

export type AuthorizeApiKeyDeps = Pick<AccountsDeps, 'store' | 'now'>;

const INVALID: AuthorizerContext = { auth_error: 'invalid_api_key' };

const sameHash = (stored: string, presented: string): boolean =>
  stored.length === presented.length && timingSafeEqual(Buffer.from(stored), Buffer.from(presented));

/** Whether a found key may be used now: not revoked, not expired, and its tenant active. */
const isUsable = ({ key, tenant }: KeyLookup, now: Date): boolean =>
  key.revoked_at === undefined &&
  (key.expires_at === undefined || Date.parse(key.expires_at) > now.getTime()) &&
  tenant.status === 'active';

/**
 * Who an `Authorization` header value speaks for, as the authorizer context protected routes read: the tenant and
 * key, with the tenant's daily quota when it has one; or `missing_api_key` when there is no value, and
 * `invalid_api_key` when it is malformed, unknown, revoked, expired or of a disabled tenant. It never says which of
 * those, to the caller or in a log, and never logs the key or its hash.
 * @throws whatever the store throws: a store that cannot answer must not let a request through.
 */
export const authorizeApiKey = async (
  authorization: string | undefined,
  deps: AuthorizeApiKeyDeps,
): Promise<AuthorizerContext> => {
  if (authorization === undefined || authorization.trim() === '') return { auth_error: 'missing_api_key' };
  const apiKey = readBearerApiKey(authorization);
  if (apiKey === undefined) return INVALID;
  const keyHash = hashApiKey(apiKey);
  const found = await deps.store.findKeyByHash(keyHash);
  // The lookup matched on the hash already; comparing in constant time as well means no store's index or string
  // comparison is ever all that stands between a guess and a tenant.
  if (found === undefined || !sameHash(found.key.key_hash, keyHash)) return INVALID;
  if (!isUsable(found, deps.now())) return INVALID;
  return {
    tenant_id: found.tenant.tenant_id,
    key_id: found.key.key_id,
    ...(found.tenant.max_blobs_per_day !== undefined && { max_blobs_per_day: found.tenant.max_blobs_per_day }),
  };
};
