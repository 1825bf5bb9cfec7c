import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createWebhookSigner } from '../createWebhookSigner/createWebhookSigner.js';
import { WebhookSignatureError } from '../errors.js';
import { verifyWebhook } from './verifyWebhook.js';

/**
 * The cases the Standard Webhooks reference libraries (JavaScript, Python and Go) test their verifiers and signers
 * with, restated against ours: a receiver using either must find the same messages valid. The reference suites share
 * one secret, message id and payload, and one known signature for a fixed timestamp.
 */
const SECRET = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MESSAGE_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const PAYLOAD = '{"test": 2432232314}';
const TOLERANCE_S = 5 * 60;

/** What a Standard Webhooks sender writes for `body` at `seconds` (Unix time), computed by hand from the spec. */
const headersFor = (seconds: number, body = PAYLOAD) => ({
  'webhook-id': MESSAGE_ID,
  'webhook-timestamp': String(seconds),
  'webhook-signature': `v1,${createHmac('sha256', Buffer.from(SECRET, 'base64'))
    .update(`${MESSAGE_ID}.${seconds}.${body}`)
    .digest('base64')}`,
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

const refusal = (verify: () => unknown) => {
  try {
    verify();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('Standard Webhooks reference cases', () => {
  it('verifies a valid signature and returns the JSON body', () => {
    expect(verifyWebhook(SECRET, headersFor(nowSeconds()), PAYLOAD)).toEqual({ test: 2432232314 });
  });

  it('verifies with the secret given with or without the whsec_ prefix', () => {
    const headers = headersFor(nowSeconds());
    expect(verifyWebhook(SECRET, headers, PAYLOAD)).toEqual({ test: 2432232314 });
    expect(verifyWebhook(`whsec_${SECRET}`, headers, PAYLOAD)).toEqual({ test: 2432232314 });
  });

  it('verifies with a secret whose base64 padding was left out', () => {
    const secret = Buffer.alloc(32, 9).toString('base64');
    expect(secret.endsWith('=')).toBe(true);
    const headers = createWebhookSigner(`whsec_${secret}`)({ id: MESSAGE_ID, timestamp: new Date(), body: PAYLOAD });
    expect(verifyWebhook(secret.replace(/=+$/, ''), headers, PAYLOAD)).toEqual({ test: 2432232314 });
  });

  it('finds the valid signature among several, whatever their versions', () => {
    const headers = headersFor(nowSeconds());
    const signatures = [
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      headers['webhook-signature'],
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
    ];
    expect(verifyWebhook(SECRET, { ...headers, 'webhook-signature': signatures.join(' ') }, PAYLOAD)).toEqual({
      test: 2432232314,
    });
  });

  it('accepts a correctly signed empty body', () => {
    expect(verifyWebhook(SECRET, headersFor(nowSeconds(), ''), '')).toBeUndefined();
    expect(verifyWebhook(SECRET, headersFor(nowSeconds(), ''), new Uint8Array())).toBeUndefined();
  });

  it.each([
    ['a missing id', { 'webhook-id': undefined }],
    ['a missing timestamp', { 'webhook-timestamp': undefined }],
    ['a timestamp that is not a number', { 'webhook-timestamp': 'hello' }],
    ['a missing signature', { 'webhook-signature': undefined }],
    ['a wrong signature', { 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=' }],
    ['a signature cut short', { 'webhook-signature': 'v1,Ceo5' }],
    ['an empty signature', { 'webhook-signature': 'v1,' }],
    ['a timestamp just past the tolerance', { 'webhook-timestamp': String(nowSeconds() - TOLERANCE_S - 1) }],
    ['a timestamp just ahead of it', { 'webhook-timestamp': String(nowSeconds() + TOLERANCE_S + 1) }],
  ])('refuses %s with WebhookSignatureError', (_case, change) => {
    const headers = { ...headersFor(nowSeconds()), ...change };
    expect(refusal(() => verifyWebhook(SECRET, headers, PAYLOAD))).toBeInstanceOf(WebhookSignatureError);
  });

  it('refuses a signature mismatch on a Uint8Array body with WebhookSignatureError, as on a string', () => {
    const headers = headersFor(nowSeconds());
    const tampered = new TextEncoder().encode(PAYLOAD.replace('2432232314', '2432232315'));
    expect(refusal(() => verifyWebhook(SECRET, headers, tampered))).toBeInstanceOf(WebhookSignatureError);
  });

  it('signs the reference message with the reference signature', () => {
    const sign = createWebhookSigner(`whsec_${SECRET}`);
    expect(sign({ id: MESSAGE_ID, timestamp: new Date(1614265330 * 1000), body: PAYLOAD })).toEqual({
      'webhook-id': MESSAGE_ID,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('refuses to sign with an invalid date', () => {
    const sign = createWebhookSigner(`whsec_${SECRET}`);
    expect(() => sign({ id: MESSAGE_ID, timestamp: new Date('not a date'), body: PAYLOAD })).toThrow(RangeError);
  });
});
