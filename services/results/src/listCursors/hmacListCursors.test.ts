import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@imgrec/shared';
import { createHmac } from 'node:crypto';
import type { ListCursor } from '../ports.js';
import { buildHmacListCursors } from './hmacListCursors.js';

const KEY = Buffer.alloc(32, 7);
const TENANT_ID = 'tnt_owner';
const CURSOR: ListCursor = {
  position: { createdAt: '2026-11-27T12:00:00.000Z', blobId: 'q1Xw3-_9ZkLmNoPqRsTuVw' },
  status: 'failed',
};

const cursors = buildHmacListCursors(async () => KEY);

/** What `open` refuses, whatever the reason: one code and message, which say nothing of why. */
const refused = expect.objectContaining({
  name: 'ValidationError',
  code: 'invalid_cursor',
  message:
    'cursor must be a next_cursor from GET /blobs, sent with the same status filter as the page that returned it.',
});

/** A token signed with the right key for the tenant, whatever its payload. */
const signed = (payload: string, tenantId = TENANT_ID) => {
  const bytes = Buffer.from(payload);
  const mac = createHmac('sha256', KEY).update(`imgrec list cursor\n${tenantId}\n`).update(bytes).digest();
  return Buffer.concat([bytes, mac]).toString('base64url');
};

describe('buildHmacListCursors', () => {
  it('opens a token it sealed, for the same tenant and status filter, to the same position', async () => {
    const token = await cursors.seal(TENANT_ID, CURSOR);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await cursors.open(TENANT_ID, token, 'failed')).toStrictEqual(CURSOR.position);
  });

  it('opens a token sealed without a status filter only without one', async () => {
    const token = await cursors.seal(TENANT_ID, { position: CURSOR.position });

    expect(await cursors.open(TENANT_ID, token, undefined)).toStrictEqual(CURSOR.position);
    await expect(cursors.open(TENANT_ID, token, 'succeeded')).rejects.toThrow(ValidationError);
  });

  it('is the base64url of the JSON position and status filter followed by their HMAC-SHA256', async () => {
    const payload = '{"v":1,"c":"2026-11-27T12:00:00.000Z","b":"q1Xw3-_9ZkLmNoPqRsTuVw","s":"failed"}';
    expect(await cursors.seal(TENANT_ID, CURSOR)).toBe(signed(payload));
  });

  it('refuses a token sealed for another tenant', async () => {
    const token = await cursors.seal('tnt_other', CURSOR);
    await expect(cursors.open(TENANT_ID, token, 'failed')).rejects.toThrow(refused);
  });

  it('refuses a token used with another status filter, or with none', async () => {
    const token = await cursors.seal(TENANT_ID, CURSOR);
    await expect(cursors.open(TENANT_ID, token, 'succeeded')).rejects.toThrow(refused);
    await expect(cursors.open(TENANT_ID, token, undefined)).rejects.toThrow(refused);
  });

  it('refuses a token signed with another key', async () => {
    const token = await buildHmacListCursors(async () => Buffer.alloc(32, 8)).seal(TENANT_ID, CURSOR);
    await expect(cursors.open(TENANT_ID, token, 'failed')).rejects.toThrow(refused);
  });

  it('refuses a position rewritten in the payload', async () => {
    const token = await cursors.seal(TENANT_ID, CURSOR);
    const bytes = Buffer.from(token, 'base64url');
    const forged = Buffer.concat([
      Buffer.from(bytes.subarray(0, -32).toString().replace('12:00:00', '13:00:00')),
      bytes.subarray(-32),
    ]).toString('base64url');
    await expect(cursors.open(TENANT_ID, forged, 'failed')).rejects.toThrow(refused);
  });

  it.each([
    ['empty', () => ''],
    ['truncated by one character', (token: string) => token.slice(0, -1)],
    ['cut to its payload', (token: string) => Buffer.from(token, 'base64url').subarray(0, -32).toString('base64url')],
    ['with its last character changed', (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
    ['padded', (token: string) => `${token}==`],
    ['with characters base64url ignores', (token: string) => `${token.slice(0, 10)}!${token.slice(10)}`],
    ['in standard base64', (token: string) => Buffer.from(token, 'base64url').toString('base64')],
    ['far too long', (token: string) => token.repeat(10)],
    ['not base64url at all', () => 'not a cursor'],
  ])('refuses a token %s', async (_case, mangle) => {
    const token = await cursors.seal(TENANT_ID, CURSOR);
    await expect(cursors.open(TENANT_ID, mangle(token), 'failed')).rejects.toThrow(refused);
  });

  it.each([
    ['a payload that is not JSON', 'position 5'],
    ['another format version', '{"v":2,"c":"2026-11-27T12:00:00.000Z","b":"q1Xw3-_9ZkLmNoPqRsTuVw","s":"failed"}'],
    ['a time written another way', '{"v":1,"c":"2026-11-27T12:00:00Z","b":"q1Xw3-_9ZkLmNoPqRsTuVw","s":"failed"}'],
    ['a blob id we never issue', '{"v":1,"c":"2026-11-27T12:00:00.000Z","b":"../etc","s":"failed"}'],
    ['an unknown field', '{"v":1,"c":"2026-11-27T12:00:00.000Z","b":"q1Xw3-_9ZkLmNoPqRsTuVw","s":"failed","x":1}'],
  ])('refuses a correctly signed token with %s', async (_case, payload) => {
    await expect(cursors.open(TENANT_ID, signed(payload), 'failed')).rejects.toThrow(refused);
  });
});
