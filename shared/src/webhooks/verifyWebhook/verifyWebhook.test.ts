import { describe, expect, it } from '@jest/globals';
import { createWebhookSigner } from '../createWebhookSigner/createWebhookSigner.js';
import { WebhookSignatureError } from '../errors.js';
import { generateWebhookSecret } from '../webhookSecrets/webhookSecrets.js';
import { verifyWebhook } from './verifyWebhook.js';

const payload = { type: 'blob.labels_detected', timestamp: '2026-11-27T12:00:00.000Z', data: { blob_id: 'b1' } };
const body = JSON.stringify(payload);
const secret = generateWebhookSecret();

const signed = (at = new Date(), secrets: string = secret) =>
  createWebhookSigner(secrets)({ id: 'msg_1', timestamp: at, body });

describe('verifyWebhook', () => {
  it('returns the parsed body of a message signed with the secret', () => {
    expect(verifyWebhook(secret, signed(), body)).toEqual(payload);
  });

  it('reads Node request headers (any case, arrays) and fetch Headers, and a Buffer body', () => {
    const headers = signed();
    const nodeHeaders = {
      'Webhook-Id': headers['webhook-id'],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'webhook-signature': [headers['webhook-signature']],
      'content-type': undefined,
    };
    expect(verifyWebhook(secret, nodeHeaders, Buffer.from(body))).toEqual(payload);
    expect(verifyWebhook(secret, new Headers({ ...headers }), body)).toEqual(payload);
  });

  it('accepts any secret of a rotation list, given as a string or an array', () => {
    const next = generateWebhookSecret();
    const headers = signed(new Date(), next);
    expect(verifyWebhook(`${secret} ${next}`, headers, body)).toEqual(payload);
    expect(verifyWebhook([secret, next], headers, body)).toEqual(payload);
  });

  it.each([
    ['another secret', () => verifyWebhook(generateWebhookSecret(), signed(), body), 'No matching signature found'],
    ['a changed body', () => verifyWebhook(secret, signed(), body.replace('b1', 'b2')), 'No matching signature found'],
    [
      'a timestamp over 5 minutes old',
      () => verifyWebhook(secret, signed(new Date(Date.now() - 6 * 60_000)), body),
      'Message timestamp too old',
    ],
    [
      'a missing header',
      () => verifyWebhook(secret, { ...signed(), 'webhook-signature': undefined }, body),
      'Missing required headers',
    ],
  ])('refuses %s with invalid_webhook_signature', (_case, verify, reason) => {
    let error: unknown;
    try {
      verify();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toMatchObject({ code: 'invalid_webhook_signature', message: reason });
  });
});
