import { afterEach, describe, expect, it } from '@jest/globals';
import { createWebhookSigner, generateWebhookSecret } from '@imgrec/shared/webhooks';
import { startWebhookListener, type WebhookListener } from './startWebhookListener.js';

const body = JSON.stringify({
  type: 'blob.labels_detected',
  timestamp: '2026-11-27T12:00:03.000Z',
  data: { blob_id: 'b1' },
});

describe('startWebhookListener', () => {
  let listener: WebhookListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  const post = (url: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers 204 on 127.0.0.1, and prints each delivery with its verified signature', async () => {
    const secret = generateWebhookSecret();
    const printed: string[] = [];
    listener = await startWebhookListener({ port: 0, secrets: [secret], print: (text) => printed.push(text) });
    expect(listener.url).toBe(`http://127.0.0.1:${listener.port}/`);

    const headers = createWebhookSigner(secret)({ id: 'msg_1', timestamp: new Date(), body });
    const response = await post(`${listener.url}hook`, headers);
    expect(response.status).toBe(204);
    expect(listener.deliveries).toEqual([
      expect.objectContaining({ path: '/hook', webhookId: 'msg_1', verified: true, payload: JSON.parse(body) }),
    ]);
    expect(printed[0]).toContain('POST /hook → 204');
    expect(printed[0]).toContain('webhook-id: msg_1');
    expect(printed[0]).toContain('signature verified');
    expect(printed[0]).toContain('"blob_id": "b1"');
  });

  it('shows a correctly signed empty body as verified, as the reference libraries do', async () => {
    const secret = generateWebhookSecret();
    const printed: string[] = [];
    listener = await startWebhookListener({ port: 0, secrets: [secret], print: (text) => printed.push(text) });
    const headers = createWebhookSigner(secret)({ id: 'msg_empty', timestamp: new Date(), body: '' });
    const response = await fetch(listener.url, { method: 'POST', headers });
    expect(response.status).toBe(204);
    expect(listener.deliveries).toEqual([expect.objectContaining({ verified: true, payload: undefined })]);
    expect(printed[0]).toContain('signature verified');
  });

  it('says why a signature does not verify', async () => {
    const printed: string[] = [];
    listener = await startWebhookListener({
      port: 0,
      secrets: [generateWebhookSecret()],
      print: (text) => printed.push(text),
    });
    const headers = createWebhookSigner(generateWebhookSecret())({ id: 'msg_2', timestamp: new Date(), body });
    await post(listener.url, headers);
    expect(listener.deliveries[0]).toMatchObject({ verified: false, reason: 'No matching signature found' });
    expect(printed[0]).toContain('signature NOT verified: No matching signature found');
  });

  it('shows deliveries unverified without a secret, and answers what respond says', async () => {
    listener = await startWebhookListener({ port: 0, respond: (_delivery, index) => (index === 0 ? 503 : 200) });
    const headers = createWebhookSigner(generateWebhookSecret())({ id: 'msg_3', timestamp: new Date(), body });
    expect((await post(listener.url, headers)).status).toBe(503);
    expect((await post(listener.url, headers)).status).toBe(200);
    expect(listener.deliveries.map((delivery) => delivery.verified)).toEqual([undefined, undefined]);
  });

  it('asks a secret source at each delivery, so a secret that appears or rotates later counts', async () => {
    const [first, second] = [generateWebhookSecret(), generateWebhookSecret()];
    let current: string[] = [];
    listener = await startWebhookListener({ port: 0, secrets: async () => current });
    const signed = (secret: string, id: string) => createWebhookSigner(secret)({ id, timestamp: new Date(), body });

    await post(listener.url, signed(first, 'msg_4'));
    current = [first];
    await post(listener.url, signed(first, 'msg_5'));
    current = [second];
    await post(listener.url, signed(first, 'msg_6'));
    expect(listener.deliveries.map((delivery) => delivery.verified)).toEqual([undefined, true, false]);
  });

  it('shows a delivery as not verified, with the reason, when the secrets cannot be read', async () => {
    listener = await startWebhookListener({
      port: 0,
      secrets: async () => {
        throw new Error('webhook-secrets-key holds 3 bytes, not the 32 of a webhook secrets key');
      },
    });
    const response = await post(
      listener.url,
      createWebhookSigner(generateWebhookSecret())({ id: 'msg_7', timestamp: new Date(), body }),
    );
    expect(response.status).toBe(204);
    expect(listener.deliveries[0]).toMatchObject({ verified: false, reason: expect.stringContaining('not the 32') });
  });
});
