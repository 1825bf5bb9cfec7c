import { ConflictError, ValidationError, generateWebhookSecret } from '@imgrec/shared';
import { randomBytes } from 'node:crypto';
import type { TenantSecret, TenantSecretStore } from '../ports.js';

export type { ClosableTenantSecretStore, TenantSecret, TenantSecretStore } from '../ports.js';

/** The default overlap of a rotation: how long the old secrets keep signing next to the new one. */
export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;

export interface TenantSecretOptions {
  /** When the secret is made; the current time by default. */
  now?: Date;
}

/** The longest overlap a rotation takes: a year, far past any receiver's roll-out. */
export const MAX_ROTATION_OVERLAP_HOURS = 8760;

/** What the admin commands print: the new secret, shown once and never stored in clear. */
export interface NewWebhookSecret {
  webhook_secret: string;
}

/** A secret as the store takes it, with a fresh random id: a new one unless `secret` is given (an import). */
export const newTenantSecret = (now: Date, secret: string = generateWebhookSecret()): TenantSecret => ({
  secret_id: `whs_${randomBytes(12).toString('base64url')}`,
  secret,
  created_at: now.toISOString(),
});

/** The secrets that still sign at `now` (not expired), in their order. */
export const currentSecrets = (secrets: readonly TenantSecret[], now: Date): TenantSecret[] =>
  secrets.filter((secret) => secret.expires_at === undefined || Date.parse(secret.expires_at) > now.getTime());

/**
 * Gives a tenant its first webhook signing secret (`tenants create`). It does not check that the tenant exists:
 * tenants belong to the accounts service, which the caller asks first.
 * @throws ConflictError `webhook_secret_exists` when the tenant already has a current secret (rotate it instead);
 *   the store's and cipher's errors.
 */
export const createTenantSecret = async (
  store: TenantSecretStore,
  tenantId: string,
  { now = new Date() }: TenantSecretOptions = {},
): Promise<NewWebhookSecret> => {
  if (currentSecrets(await store.list(tenantId), now).length > 0) {
    throw new ConflictError(
      'webhook_secret_exists',
      `tenant ${tenantId} already has a webhook secret; rotate it to get a new one`,
    );
  }
  const secret = newTenantSecret(now);
  await store.add(tenantId, secret);
  return { webhook_secret: secret.secret };
};

/**
 * Rotates a tenant's webhook secret (`webhook-secret rotate`): adds a new secret, and lets the tenant's other
 * secrets sign next to it for `overlapHours` more (default 24; 0 retires them at once), never longer than they
 * were due to. Receivers then switch to the new secret within the overlap. Like createTenantSecret, it leaves
 * checking that the tenant exists to the caller; a tenant without secrets simply gets its first.
 * @throws ValidationError `invalid_overlap_hours` when overlapHours is not a number from 0 to 8760 (a year); the
 *   store's and cipher's errors.
 */
export const rotateTenantSecret = async (
  store: TenantSecretStore,
  tenantId: string,
  {
    overlapHours = DEFAULT_ROTATION_OVERLAP_HOURS,
    now = new Date(),
  }: TenantSecretOptions & {
    overlapHours?: number;
  } = {},
): Promise<NewWebhookSecret> => {
  if (typeof overlapHours !== 'number' || !(overlapHours >= 0 && overlapHours <= MAX_ROTATION_OVERLAP_HOURS)) {
    throw new ValidationError(
      'invalid_overlap_hours',
      `the overlap must be a number of hours from 0 to ${MAX_ROTATION_OVERLAP_HOURS}`,
    );
  }
  const secret = newTenantSecret(now);
  const retireOthersAt = new Date(now.getTime() + overlapHours * 3_600_000).toISOString();
  await store.add(tenantId, secret, { retireOthersAt });
  return { webhook_secret: secret.secret };
};
