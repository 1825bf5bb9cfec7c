import { z } from 'zod';
import type { SecretCipher, TenantSecret } from '../../ports.js';

/**
 * How many times an adapter re-reads and retries its compare-and-set write. A few rounds are plenty: a conflict needs
 * another writer to change the same tenant's secrets between one read and one write.
 */
export const MAX_WRITE_ROUNDS = 5;

/** One secret as the adapters keep it: a TenantSecret with the ciphertext in place of the secret. */
export const storedSecretSchema = z.object({
  secret_id: z.string().min(1),
  ciphertext: z.string().min(1),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime().optional(),
});
export type StoredSecret = z.infer<typeof storedSecretSchema>;

/** A tenant's stored secrets, checked when read back rather than cast: newest first. */
export const storedSecretsSchema = z.array(storedSecretSchema);

const time = (iso: string) => Date.parse(iso);

/**
 * A tenant's stored secrets after `add`, newest first (by created_at; among equal times, the one added last first).
 * With `retireOthersAt`, every other secret expires at the earlier of its own expiry and that time. Secrets that had
 * expired by the new secret's created_at are dropped: they can never sign again, and the list would otherwise grow
 * with every rotation.
 * @throws Error when the tenant already has a secret with the new one's secret_id; ZodError when retireOthersAt is
 *   not an ISO 8601 UTC time.
 */
export const withSecretAdded = (
  stored: readonly StoredSecret[],
  added: StoredSecret,
  retireOthersAt: string | undefined,
): StoredSecret[] => {
  if (retireOthersAt !== undefined) z.iso.datetime().parse(retireOthersAt);
  if (stored.some((secret) => secret.secret_id === added.secret_id)) {
    throw new Error(`the tenant already has a webhook secret ${added.secret_id}`);
  }
  const others = stored
    .filter((secret) => secret.expires_at === undefined || time(secret.expires_at) > time(added.created_at))
    .map((secret) =>
      retireOthersAt !== undefined &&
      (secret.expires_at === undefined || time(secret.expires_at) > time(retireOthersAt))
        ? { ...secret, expires_at: retireOthersAt }
        : secret,
    );
  return [added, ...others].sort((a, b) => time(b.created_at) - time(a.created_at));
};

/**
 * Encrypts a secret for storage, bound to its tenant.
 * @throws ZodError when created_at or expires_at is not an ISO 8601 UTC time; the cipher's errors.
 */
export const sealSecret = async (cipher: SecretCipher, tenantId: string, secret: TenantSecret): Promise<StoredSecret> =>
  storedSecretSchema.parse({
    secret_id: secret.secret_id,
    ciphertext: await cipher.encrypt(secret.secret, tenantId),
    created_at: secret.created_at,
    // Absent rather than undefined: DynamoDB stores no undefined.
    ...(secret.expires_at !== undefined && { expires_at: secret.expires_at }),
  });

/** Decrypts a tenant's stored secrets, keeping their order. */
export const openSecrets = (
  cipher: SecretCipher,
  tenantId: string,
  stored: readonly StoredSecret[],
): Promise<TenantSecret[]> =>
  Promise.all(
    stored.map(async ({ ciphertext, ...rest }) => ({ ...rest, secret: await cipher.decrypt(ciphertext, tenantId) })),
  );
