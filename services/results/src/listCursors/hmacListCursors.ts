import { BLOB_STATUSES, ValidationError, blobIdSchema } from '@imgrec/shared';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ListCursors, SigningKey } from '../ports.js';

const MAC_BYTES = 32;

/** Far longer than any token this issues (about 150 characters): anything longer is refused unread. */
const MAX_TOKEN_LENGTH = 512;

/** What a token carries: its format version, the position (created_at, blob_id) and the page's status filter. */
const payloadSchema = z.strictObject({
  v: z.literal(1),
  c: z.iso.datetime().refine((createdAt) => new Date(createdAt).toISOString() === createdAt),
  b: blobIdSchema,
  s: z.enum(BLOB_STATUSES).optional(),
});

/** The MAC covers the payload and the tenant, so a token is worthless to any other tenant. */
const macOf = (key: Uint8Array, tenantId: string, payload: Uint8Array) =>
  createHmac('sha256', key).update(`imgrec list cursor\n${tenantId}\n`).update(payload).digest();

const invalidCursor = () =>
  new ValidationError(
    'invalid_cursor',
    'cursor must be a next_cursor from GET /blobs, sent with the same status filter as the page that returned it.',
  );

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Decodes base64url as written by Buffer, and only that: no padding, no stray characters, no spare bits. */
const decodeBase64url = (token: string): Buffer | undefined => {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  return bytes.toString('base64url') === token ? bytes : undefined;
};

/**
 * The list's cursors as opaque tokens: base64url of the JSON payload `{v, c, b, s}` (format version, created_at,
 * blob_id, status filter) followed by the 32 bytes of an HMAC-SHA256 over that payload and the caller's tenant_id.
 * A token opens only for the tenant it was sealed for and with the status filter it was sealed with; the MAC is
 * compared in constant time. Both modes use this; only the key's source differs.
 */
export const buildHmacListCursors = (signingKey: SigningKey): ListCursors => ({
  seal: async (tenantId, { position, status }) => {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, c: position.createdAt, b: position.blobId, ...(status !== undefined && { s: status }) }),
    );
    return Buffer.concat([payload, macOf(await signingKey(), tenantId, payload)]).toString('base64url');
  },

  open: async (tenantId, token, status) => {
    const bytes = decodeBase64url(token);
    if (bytes === undefined || bytes.byteLength <= MAC_BYTES) throw invalidCursor();
    const payload = bytes.subarray(0, -MAC_BYTES);
    if (!timingSafeEqual(bytes.subarray(-MAC_BYTES), macOf(await signingKey(), tenantId, payload))) {
      throw invalidCursor();
    }
    // Signed by us, so well-formed unless a release that wrote another format signed it.
    const parsed = payloadSchema.safeParse(parseJson(payload.toString('utf8')));
    if (!parsed.success || parsed.data.s !== status) throw invalidCursor();
    return { createdAt: parsed.data.c, blobId: parsed.data.b };
  },
});
