import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateWebhookSecret, webhookIdForBlob } from '@imgrec/shared';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { startWebhookListener, type ListenedDelivery, type WebhookListener } from '@imgrec/client';
import {
  REPO_ROOT,
  authorizationOf,
  startStack,
  uploadImage,
  waitForBlob,
  type BlobBody,
  type RunningStack,
} from './harness.js';

interface CallbackView {
  url: string;
  status: string;
  attempts: number;
  last_attempt_at?: string;
  last_status_code?: number;
}

const callbackOf = (blob: BlobBody) => blob.callback as CallbackView | undefined;
const callbackIs = (status: string) => (blob: BlobBody) => callbackOf(blob)?.status === status;

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
};

/** What any receiver would do: verify with a Standard Webhooks library (both the reference one and Svix's). */
const verifiedBody = (secret: string, delivery: ListenedDelivery | undefined) => {
  if (!delivery) throw new Error('no delivery');
  const headers = {
    'webhook-id': String(delivery.headers['webhook-id']),
    'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
    'webhook-signature': String(delivery.headers['webhook-signature']),
  };
  const body = new Webhook(secret).verify(delivery.body, headers);
  expect(new SvixWebhook(secret).verify(delivery.body, headers)).toEqual(body);
  return body as { type: string; timestamp: string; data: BlobBody };
};

/** The GET body without what changes once the callback is delivered (the webhook `data` is a snapshot before it). */
const outcomeOf = (view: BlobBody) => {
  const { callback: _callback, updated_at: _updatedAt, ...outcome } = view;
  return outcome;
};

const runRedrive = async (dataDir: string, blobId: string): Promise<string> => {
  const env: NodeJS.ProcessEnv = { ...process.env, IMGREC_DATA_DIR: dataDir };
  delete env.NODE_OPTIONS;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'local/src/redrive/main.ts', '--blob', blobId],
    { cwd: REPO_ROOT, env },
  );
  return stdout;
};

/**
 * A receiver on 127.0.0.1 whose answers depend on the path: `behaviour[path](n)` is the status of the n-th delivery
 * to that path (0-based), 204 when the path has none.
 */
const startReceiver = (secret: string, behaviour: Record<string, (attempt: number) => number>) => {
  let listener: WebhookListener | undefined;
  const to = (path: string) => listener?.deliveries.filter((delivery) => delivery.path === path) ?? [];
  return startWebhookListener({
    port: 0,
    secrets: [secret],
    respond: (delivery) => behaviour[delivery.path]?.(to(delivery.path).length - 1) ?? 204,
  }).then((started) => {
    listener = started;
    return { listener: started, to };
  });
};

describe('webhooks, end to end over the local stack', () => {
  const secret = generateWebhookSecret();
  let receiverUp = false;
  let listener: WebhookListener;
  let to: (path: string) => ListenedDelivery[];
  let stack: RunningStack;

  beforeAll(async () => {
    ({ listener, to } = await startReceiver(secret, {
      '/flaky': (attempt) => (attempt < 2 ? 500 : 204),
      '/down': () => (receiverUp ? 204 : 503),
    }));
    stack = await startStack({
      env: {
        IMGREC_WEBHOOK_SECRET: secret,
        IMGREC_RETRY_SCHEDULE: '1,1',
        // Only the test receiver is exempt, so every other loopback spelling must be refused.
        IMGREC_CALLBACK_ALLOW_HOSTS: `127.0.0.1:${listener.port}`,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await listener?.close();
  });

  it('delivers one message per outcome, verified by standardwebhooks, whose data is the GET body', async () => {
    const url = `${listener.url}ok`;
    const blobId = await uploadImage(stack, 'dog.jpg', { callback_url: url });
    const blob = await waitForBlob(stack, blobId, callbackIs('delivered'));

    expect(to('/ok')).toHaveLength(1);
    const [delivery] = to('/ok');
    const body = verifiedBody(secret, delivery);
    expect(delivery?.verified).toBe(true);
    expect(delivery?.webhookId).toBe(webhookIdForBlob(blobId));
    expect(body.type).toBe('blob.labels_detected');
    expect(body.timestamp).toBe(blob.completed_at);
    expect(outcomeOf(body.data)).toEqual(outcomeOf(blob));
    expect(body.data.callback).toEqual({ url, status: 'pending', attempts: 0 });
    expect(callbackOf(blob)).toEqual({
      url,
      status: 'delivered',
      attempts: 1,
      last_attempt_at: expect.any(String),
      last_status_code: 204,
    });

    // Nothing else arrives later: no second message for the outcome.
    await new Promise((wait) => setTimeout(wait, 2000));
    expect(to('/ok')).toHaveLength(1);
  }, 60_000);

  it('retries a receiver that fails twice: three attempts, one webhook-id, then delivered', async () => {
    const blobId = await uploadImage(stack, 'horses.jpg', { callback_url: `${listener.url}flaky` });
    const blob = await waitForBlob(stack, blobId, callbackIs('delivered'));

    const deliveries = to('/flaky');
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((delivery) => delivery.webhookId))).toEqual(new Set([webhookIdForBlob(blobId)]));
    for (const delivery of deliveries) expect(() => verifiedBody(secret, delivery)).not.toThrow();
    expect(callbackOf(blob)).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 204 });
  }, 60_000);

  it('dead-letters a callback the receiver keeps refusing; `npm run redrive` delivers it once the receiver is back', async () => {
    const blobId = await uploadImage(stack, 'coffee.png', { callback_url: `${listener.url}down` });
    const failed = await waitForBlob(stack, blobId, callbackIs('failed'));
    expect(callbackOf(failed)).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 503 });
    expect(to('/down')).toHaveLength(3);

    receiverUp = true;
    const printed = await runRedrive(stack.dataDir, blobId);
    expect(printed).toContain('Replayed 1 callback(s)');
    expect(printed).toContain(webhookIdForBlob(blobId));

    const delivered = await waitForBlob(stack, blobId, callbackIs('delivered'));
    expect(callbackOf(delivered)).toMatchObject({ status: 'delivered', attempts: 4, last_status_code: 204 });
    const deliveries = to('/down');
    expect(deliveries).toHaveLength(4);
    expect(deliveries[3]?.webhookId).toBe(webhookIdForBlob(blobId));
    expect(verifiedBody(secret, deliveries[3]).type).toBe('blob.labels_detected');
  }, 60_000);

  it('delivers a failed recognition as blob.recognition_failed', async () => {
    const blobId = await uploadImage(stack, 'truncated.jpg', { callback_url: `${listener.url}broken` });
    const blob = await waitForBlob(stack, blobId, callbackIs('delivered'));
    expect(blob.status).toBe('failed');
    const body = verifiedBody(secret, to('/broken')[0]);
    expect(body.type).toBe('blob.recognition_failed');
    expect(body.data.status).toBe('failed');
    expect(body.data.error).toEqual(blob.error);
  }, 60_000);

  describe('refuses callback URLs that reach inside the network, at POST', () => {
    it.each([
      'https://127.0.0.1/',
      'https://2130706433/',
      'https://0x7f000001/',
      'https://0177.0.0.1/',
      'https://127.1/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://0.0.0.0/',
      'https://10.0.0.1/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://[fe80::1]/',
      'https://localhost/',
      'http://127.0.0.1:1/',
      'https://user:pass@example.com/',
    ])('%s', async (callbackUrl) => {
      const response = await fetch(`${stack.baseUrl}/blobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorizationOf(stack) },
        body: JSON.stringify({ callback_url: callbackUrl }),
      });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid_callback_url');
      expect(error.message).toMatch(/^callback_url /);
    });
  });
});

describe('webhooks across a crash', () => {
  it('delivers after a kill -9 between two attempts and a restart, with the same webhook-id', async () => {
    const secret = generateWebhookSecret();
    const { listener, to } = await startReceiver(secret, { '/restart': (attempt) => (attempt === 0 ? 500 : 204) });
    const env = {
      IMGREC_WEBHOOK_SECRET: secret,
      IMGREC_RETRY_SCHEDULE: '3',
      IMGREC_CALLBACK_ALLOW_HOSTS: `127.0.0.1:${listener.port}`,
    };
    const first = await startStack({ env });
    let restarted: RunningStack | undefined;
    try {
      const blobId = await uploadImage(first, 'dog.jpg', { callback_url: `${listener.url}restart` });
      await waitFor(() => to('/restart').length === 1, 'the first attempt');
      // Kill between the attempts, not inside one: once the failed attempt and its retry time are on disk. (Reading
      // the service's own table is the only way to see that moment from outside.)
      const deliveries = new Database(join(first.dataDir, 'webhooks.db'), { readonly: true });
      const retryRecorded = () =>
        (
          deliveries.prepare('SELECT next_attempt_at FROM deliveries WHERE blob_id = ?').get(blobId) as
            { next_attempt_at: string | null } | undefined
        )?.next_attempt_at != null;
      await waitFor(retryRecorded, 'the retry to be recorded', 10_000);
      deliveries.close();
      await first.kill();

      restarted = await startStack({ dataDir: first.dataDir, env });
      const blob = await waitForBlob(restarted, blobId, callbackIs('delivered'));
      expect(callbackOf(blob)).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 204 });
      const received = to('/restart');
      expect(received).toHaveLength(2);
      expect(received.map((delivery) => delivery.webhookId)).toEqual([
        webhookIdForBlob(blobId),
        webhookIdForBlob(blobId),
      ]);
      for (const delivery of received) expect(() => verifiedBody(secret, delivery)).not.toThrow();
    } finally {
      await restarted?.stop();
      await first.kill().catch(() => undefined);
      await listener.close();
    }
  }, 240_000);
});
