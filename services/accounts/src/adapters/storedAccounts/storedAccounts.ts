import { z } from 'zod';
import type { ApiKeyRecord, Tenant } from '../../ports.js';

/**
 * A tenant as an adapter reads it back. Stored data is parsed, not cast: a row or item written by another release,
 * or edited by hand, fails loudly instead of letting the authorizer act on it. Unknown fields (keys) are dropped.
 */
export const storedTenantSchema = z.object({
  tenant_id: z.string().min(1),
  name: z.string().min(1),
  status: z.enum(['active', 'disabled']),
  max_blobs_per_day: z.number().int().min(0).optional(),
  created_at: z.iso.datetime(),
}) satisfies z.ZodType<Tenant>;

/** An API key record as an adapter reads it back; see {@link storedTenantSchema}. */
export const storedApiKeySchema = z.object({
  key_id: z.string().min(1),
  tenant_id: z.string().min(1),
  key_hash: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime().optional(),
  revoked_at: z.iso.datetime().optional(),
}) satisfies z.ZodType<ApiKeyRecord>;
