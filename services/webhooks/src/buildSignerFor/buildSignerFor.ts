import { ImgrecError, createWebhookSigner, type WebhookSigner } from '@imgrec/shared';
import type { TenantSecret, TenantSecretStore } from '../ports.js';
import { currentSecrets } from '../tenantSecrets/tenantSecrets.js';

/** A tenant without a current webhook secret: its callbacks wait until it has one. An operator's problem. */
export class MissingWebhookSecretError extends ImgrecError {
  constructor(tenantId: string) {
    super('webhook_secret_missing', `tenant ${tenantId} has no current webhook secret`, 500);
    this.name = 'MissingWebhookSecretError';
  }
}

export interface SignerForOptions {
  now: () => Date;
  /**
   * How long a tenant's secrets are kept in memory after they were read (aws mode: 5 minutes, far inside a
   * rotation's default 24 h overlap). 0, the default, reads the store at every call.
   */
  cacheTtlMs?: number;
  /** Secret lists that replace the store's for some tenants (local mode: IMGREC_WEBHOOK_SECRET for `dev`). */
  fixed?: ReadonlyMap<string, readonly string[]>;
}

interface CachedSecrets {
  readAt: number;
  secrets: Promise<TenantSecret[]>;
}

/**
 * Builds `signerFor(tenantId)`: the signer of the tenant's secrets that have not expired at `now()`, newest first,
 * so that during a rotation's overlap every message carries a signature for the old secret and one for the new.
 * Expiry is checked at each call, also for cached secrets, so a secret stops signing when its overlap ends. Calls
 * for a tenant whose read is under way share it; a failed or empty read is not kept.
 * @returns a function that rejects with MissingWebhookSecretError for a tenant with no current secret, the store's
 *   or cipher's errors when the secrets cannot be read, and WebhookSecretError when a stored one is malformed.
 */
export const buildSignerFor = (
  store: TenantSecretStore,
  options: SignerForOptions,
): ((tenantId: string) => Promise<WebhookSigner>) => {
  const ttl = options.cacheTtlMs ?? 0;
  const cache = new Map<string, CachedSecrets>();

  const read = (tenantId: string, nowMs: number): Promise<TenantSecret[]> => {
    if (ttl <= 0) return store.list(tenantId);
    const cached = cache.get(tenantId);
    if (cached && nowMs - cached.readAt < ttl) return cached.secrets;
    // Tenants come and go over a container's life: drop what has gone stale rather than keep it forever.
    for (const [tenant, entry] of cache) if (nowMs - entry.readAt >= ttl) cache.delete(tenant);
    const secrets = store.list(tenantId);
    const entry = { readAt: nowMs, secrets };
    cache.set(tenantId, entry);
    const forget = () => {
      if (cache.get(tenantId) === entry) cache.delete(tenantId);
    };
    secrets.then((list) => list.length === 0 && forget(), forget);
    return secrets;
  };

  return async (tenantId) => {
    const fixed = options.fixed?.get(tenantId);
    if (fixed) return createWebhookSigner(fixed);
    const now = options.now();
    const current = currentSecrets(await read(tenantId, now.getTime()), now);
    if (current.length === 0) throw new MissingWebhookSecretError(tenantId);
    return createWebhookSigner(current.map((secret) => secret.secret));
  };
};
