import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * A blob id: 16 random bytes (128 bits, more than the 122 the contract asks for) as base64url without padding, 22
 * characters nobody can guess. The same schema mints ids and checks them at every door.
 */
export const blobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'a blob_id is the 22-character id POST /blobs returned');

/** A new blob id, which blobIdSchema accepts. */
export const newBlobId = (): string => blobIdSchema.parse(randomBytes(16).toString('base64url'));

/** Whether a value is a blob id we could have issued: a cheap refusal before any table is read. */
export const isBlobId = (value: unknown): value is string => blobIdSchema.safeParse(value).success;
