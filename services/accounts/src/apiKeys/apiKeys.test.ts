import { describe, expect, it } from '@jest/globals';
import { tenantIdSchema } from '@imgrec/shared';
import { createHash } from 'node:crypto';
import { generateApiKey, hashApiKey, isWellFormedApiKey, newKeyId, newTenantId, readBearerApiKey } from './apiKeys.js';

const KEY = 'imgrec_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('generateApiKey', () => {
  it('issues imgrec_sk_ followed by 32 random bytes in base64url', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^imgrec_sk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice('imgrec_sk_'.length), 'base64url')).toHaveLength(32);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('never issues the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, generateApiKey));
    expect(keys.size).toBe(1000);
  });
});

describe('hashApiKey', () => {
  it('is the lower-case hex SHA-256 of the key', () => {
    expect(hashApiKey(KEY)).toBe(createHash('sha256').update(KEY).digest('hex'));
    expect(hashApiKey(KEY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives different keys different hashes', () => {
    expect(hashApiKey(KEY)).not.toBe(hashApiKey(`${KEY.slice(0, -1)}B`));
  });
});

describe('readBearerApiKey', () => {
  it.each([
    ['Bearer', `Bearer ${KEY}`],
    ['bearer in lower case', `bearer ${KEY}`],
    ['BEARER in upper case', `BEARER ${KEY}`],
    ['more than one space after the scheme', `Bearer   ${KEY}`],
  ])('reads the key after %s', (_case, header) => {
    expect(readBearerApiKey(header)).toBe(KEY);
  });

  it('reads a key longer than 43 characters', () => {
    expect(readBearerApiKey(`Bearer ${KEY}AAAA`)).toBe(`${KEY}AAAA`);
  });

  it.each([
    ['the bare key, without a scheme', KEY],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['another scheme', `Basic ${KEY}`],
    ['a scheme glued to the key', `Bearer${KEY}`],
    ['a tab instead of a space', `Bearer\t${KEY}`],
    ['two tokens', `Bearer ${KEY} ${KEY}`],
    ['a trailing comma', `Bearer ${KEY},`],
    ['a key without the prefix', `Bearer ${KEY.slice('imgrec_sk_'.length)}`],
    ['a key of another product', 'Bearer sk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a key one character short', `Bearer ${KEY.slice(0, -1)}`],
    ['standard base64 characters in the key', `Bearer ${KEY.slice(0, -2)}+/`],
    ['base64 padding', `Bearer ${KEY}=`],
  ])('refuses %s as malformed', (_case, header) => {
    expect(readBearerApiKey(header)).toBeUndefined();
  });
});

describe('ids', () => {
  it('gives tenants tnt_ and 20 lower-case hex characters, a valid tenant_id on every event', () => {
    const id = newTenantId();
    expect(id).toMatch(/^tnt_[0-9a-f]{20}$/);
    expect(tenantIdSchema.parse(id)).toBe(id);
  });

  it('gives keys key_ and 20 lower-case hex characters, safe to pass on a command line', () => {
    expect(newKeyId()).toMatch(/^key_[0-9a-f]{20}$/);
  });

  it('never repeats an id', () => {
    expect(new Set(Array.from({ length: 1000 }, newTenantId)).size).toBe(1000);
    expect(new Set(Array.from({ length: 1000 }, newKeyId)).size).toBe(1000);
  });
});
