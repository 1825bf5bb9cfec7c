import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { ImgrecError, createWebhookSigner, type Clock, type WebhookSigner } from '@imgrec/shared';
import type { TenantSecret, TenantSecretStore } from '../ports.js';
import { currentSecrets } from '../tenantSecrets/tenantSecrets.js';

/** A tenant without a current webhook secret: its callbacks wait until it has one. An operator's problem. */
export class MissingWebhookSecretError extends ImgrecError {
  constructor(tenantId: string) {
    super('webhook_secret_missing', `tenant ${tenantId} has no current webhook secret`);
    this.name = 'MissingWebhookSecretError';
  }
}

/**
 * The tenants' webhook secrets as a Powertools Parameters provider: `get(tenantId, { maxAge })` reads and decrypts
 * them through the TenantSecretStore, and BaseProvider keeps them for `maxAge` seconds. A tenant found without
 * secrets is refused rather than kept (BaseProvider caches whatever `_get` returns), so its first secret counts at
 * the next call. BaseProvider does not share a read under way; this does, so a batch of one tenant's messages costs
 * one read (and one KMS Decrypt per secret), not one per message.
 */
class TenantSecretsProvider extends BaseProvider {
  private readonly reading = new Map<string, Promise<TenantSecret[]>>();

  constructor(private readonly secrets: TenantSecretStore) {
    super({});
  }

  protected _get(tenantId: string): Promise<TenantSecret[]> {
    let read = this.reading.get(tenantId);
    if (!read) {
      read = this.secrets
        .list(tenantId)
        .then((list) => {
          if (list.length === 0) throw new MissingWebhookSecretError(tenantId);
          return list;
        })
        .finally(() => this.reading.delete(tenantId));
      this.reading.set(tenantId, read);
    }
    return read;
  }

  protected _getMultiple(): Promise<undefined> {
    return Promise.reject(new Error('a tenant’s secrets are read one tenant at a time'));
  }
}

export interface SignerForOptions {
  now: Clock;
  /**
   * How long a tenant's secrets are kept in memory after they were read, in seconds (aws mode: 5 minutes, far inside
   * a rotation's default 24 h overlap). 0, the default, reads the store at every call.
   */
  maxAgeSeconds?: number;
  /** Secret lists that replace the store's for some tenants (local mode: IMGREC_WEBHOOK_SECRET for `dev`). */
  fixed?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Builds `signerFor(tenantId)`: the signer of the tenant's secrets that have not expired at `now()`, newest first,
 * so that during a rotation's overlap every message carries a signature for the old secret and one for the new.
 * Expiry is checked at each call, also for kept secrets, so a secret stops signing when its overlap ends. A failed or
 * empty read is not kept.
 * @returns a function that rejects with MissingWebhookSecretError for a tenant with no current secret, the store's
 *   or cipher's errors when the secrets cannot be read, and WebhookSecretError when a stored one is malformed.
 */
export const buildSignerFor = (
  store: TenantSecretStore,
  options: SignerForOptions,
): ((tenantId: string) => Promise<WebhookSigner>) => {
  const provider = new TenantSecretsProvider(store);
  // With maxAge 0 BaseProvider keeps nothing, so every call reads the store.
  const maxAge = options.maxAgeSeconds ?? 0;

  const read = async (tenantId: string): Promise<TenantSecret[]> => {
    try {
      return (await provider.get(tenantId, { maxAge })) as TenantSecret[];
    } catch (error) {
      // BaseProvider wraps what _get threw; callers branch on the original (MissingWebhookSecretError, KMS errors).
      throw error instanceof GetParameterError && error.cause !== undefined ? error.cause : error;
    }
  };

  return async (tenantId) => {
    const fixed = options.fixed?.get(tenantId);
    if (fixed) return createWebhookSigner(fixed);
    const now = options.now();
    const current = currentSecrets(await read(tenantId), now);
    if (current.length === 0) throw new MissingWebhookSecretError(tenantId);
    return createWebhookSigner(current.map((secret) => secret.secret));
  };
};
