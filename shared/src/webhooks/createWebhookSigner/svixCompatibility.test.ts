import { describe, expect, it } from '@jest/globals';
import { Webhook as SvixWebhook } from 'svix';
import { generateWebhookSecret } from '../webhookSecrets/webhookSecrets.js';
import { createWebhookSigner } from './createWebhookSigner.js';

const body = JSON.stringify({
  type: 'blob.recognition_failed',
  timestamp: '2026-11-27T12:00:02.000Z',
  data: { blob_id: 'b1', status: 'failed', note: 'ünïcödé ✓' },
});

// Receivers are promised that any Standard Webhooks library verifies our messages; Svix's is the most used one.
describe('messages signed by createWebhookSigner, verified with the svix package', () => {
  it('verify with the Standard Webhooks header names', () => {
    const secret = generateWebhookSecret();
    const headers = createWebhookSigner(secret)({ id: 'msg_1', timestamp: new Date(), body });
    expect(new SvixWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('verify with either secret during a rotation', () => {
    const [previous, next] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = createWebhookSigner([previous, next])({ id: 'msg_2', timestamp: new Date(), body });
    expect(new SvixWebhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new SvixWebhook(next).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new SvixWebhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });
});
