import { describe, expect, it } from '@jest/globals';
import { WebhookSecretError } from '../errors.js';
import { generateWebhookSecret, parseVerificationSecrets, parseWebhookSecrets } from './webhookSecrets.js';

const secretOf = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;

describe('parseWebhookSecrets', () => {
  it('reads one secret, a space-separated rotation list, or an array', () => {
    const [a, b] = [secretOf(24), secretOf(32)];
    expect(parseWebhookSecrets(a)).toEqual([a]);
    expect(parseWebhookSecrets(`  ${a}   ${b}\n`)).toEqual([a, b]);
    expect(parseWebhookSecrets([a, b])).toEqual([a, b]);
  });

  it('takes a secret without its whsec_ prefix or its base64 padding, as the reference libraries do, in one spelling', () => {
    const padded = secretOf(32);
    const bare = padded.slice('whsec_'.length).replace(/=+$/, '');
    expect(bare).not.toContain('=');
    expect(parseWebhookSecrets(bare)).toEqual([padded]);
    expect(parseWebhookSecrets(`whsec_${bare}`)).toEqual([padded]);
  });

  it.each([
    ['', 'no webhook secret given'],
    ['whsec_', 'webhook secret #1 is not whsec_<base64>'],
    ['whsec_not-base64!', 'webhook secret #1 is not whsec_<base64>'],
    [`${secretOf(24)} whsec_ab$c`, 'webhook secret #2 is not whsec_<base64>'],
    [`${secretOf(24)} whsec_abc`, 'webhook secret #2 must hold 24–64 bytes, not 2'],
    [secretOf(16), 'webhook secret #1 must hold 24–64 bytes, not 16'],
    [secretOf(65), 'webhook secret #1 must hold 24–64 bytes, not 65'],
  ])('refuses %j', (raw, message) => {
    expect(() => parseWebhookSecrets(raw)).toThrow(new WebhookSecretError(message));
  });
});

describe('parseVerificationSecrets', () => {
  it('takes any base64 secret a receiver holds, however short, since it only checks signatures', () => {
    expect(parseVerificationSecrets('c2VjcmV0')).toEqual(['whsec_c2VjcmV0']);
    expect(() => parseVerificationSecrets('not-base64!')).toThrow(
      new WebhookSecretError('webhook secret #1 is not whsec_<base64>'),
    );
  });
});

describe('generateWebhookSecret', () => {
  it('makes a fresh valid whsec_ secret of 24 bytes each time', () => {
    const secret = generateWebhookSecret();
    expect(parseWebhookSecrets(secret)).toEqual([secret]);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});
