import { describe, expect, it } from '@jest/globals';
import { WebhookSecretError } from '../errors.js';
import { generateWebhookSecret, parseWebhookSecrets } from './webhookSecrets.js';

const secretOf = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;

describe('parseWebhookSecrets', () => {
  it('reads one secret, a space-separated rotation list, or an array', () => {
    const [a, b] = [secretOf(24), secretOf(32)];
    expect(parseWebhookSecrets(a)).toEqual([a]);
    expect(parseWebhookSecrets(`  ${a}   ${b}\n`)).toEqual([a, b]);
    expect(parseWebhookSecrets([a, b])).toEqual([a, b]);
  });

  it.each([
    ['', 'no webhook secret given'],
    ['c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0', 'webhook secret #1 must start with whsec_'],
    ['whsec_', 'webhook secret #1 is not whsec_<base64>'],
    ['whsec_not base64!', 'webhook secret #1 is not whsec_<base64>'],
    [`${secretOf(24)} whsec_abc`, 'webhook secret #2 is not whsec_<base64>'],
    [secretOf(16), 'webhook secret #1 must hold 24–64 bytes, not 16'],
    [secretOf(65), 'webhook secret #1 must hold 24–64 bytes, not 65'],
  ])('refuses %j', (raw, message) => {
    expect(() => parseWebhookSecrets(raw)).toThrow(new WebhookSecretError(message));
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
