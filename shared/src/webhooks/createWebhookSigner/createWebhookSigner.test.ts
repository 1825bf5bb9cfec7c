import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { WebhookSecretError } from '../errors.js';
import { generateWebhookSecret } from '../webhookSecrets/webhookSecrets.js';
import { createWebhookSigner } from './createWebhookSigner.js';

const body = JSON.stringify({ type: 'blob.labels_detected', timestamp: '2026-11-27T12:00:00.000Z', data: {} });

describe('createWebhookSigner', () => {
  it('signs a message that the standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const headers = createWebhookSigner(secret)({ id: 'msg_1', timestamp: new Date(), body });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('writes the Standard Webhooks headers: the id, Unix seconds, and v1,<base64> signatures', () => {
    const timestamp = new Date('2026-11-27T12:00:00.999Z');
    const headers = createWebhookSigner(generateWebhookSecret())({ id: 'msg_1', timestamp, body });
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('signs with every secret during a rotation, so receivers with either secret verify', () => {
    const [previous, next] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = createWebhookSigner(`${previous} ${next}`)({ id: 'msg_2', timestamp: new Date(), body });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [previous, next]) expect(() => new Webhook(secret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow('No matching signature');
  });

  it('binds the signature to the id, the timestamp and the exact body', () => {
    const secret = generateWebhookSecret();
    const headers = createWebhookSigner(secret)({ id: 'msg_3', timestamp: new Date(), body });
    const verifier = new Webhook(secret);
    expect(() => verifier.verify(`${body} `, { ...headers })).toThrow('No matching signature');
    expect(() => verifier.verify(body, { ...headers, 'webhook-id': 'msg_4' })).toThrow('No matching signature');
    const earlier = String(Number(headers['webhook-timestamp']) - 1);
    expect(() => verifier.verify(body, { ...headers, 'webhook-timestamp': earlier })).toThrow('No matching signature');
  });

  it('refuses a malformed secret when it is built, not at the first message', () => {
    expect(() => createWebhookSigner('whsec_short')).toThrow(WebhookSecretError);
  });
});
