import { afterEach, describe, expect, it } from '@jest/globals';
import got from 'got';
import { startTestReceiver, type Respond, type TestReceiver } from '../../testing/startTestReceiver.js';
import { buildGotCallbackSender, type GotCallbackSenderConfig } from './gotCallbackSender.js';

const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1800000000', 'webhook-signature': 'v1,abc=' };
const body = '{"type":"blob.labels_detected"}';

describe('buildGotCallbackSender', () => {
  let receiver: TestReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  const start = async (respond?: Respond) => (receiver = await startTestReceiver(respond));
  const sender = (config: Partial<GotCallbackSenderConfig> = {}) =>
    buildGotCallbackSender(got, { allowHosts: ['127.0.0.1'], ...config });

  it('POSTs the exact body as JSON with the signature headers and reports the status', async () => {
    const { origin, requests } = await start((_request, _index, response) => response.writeHead(200).end('ok'));
    const result = await sender()({ url: `${origin}/hooks/imgrec?tenant=1`, headers, body });
    expect(result).toEqual({ kind: 'response', statusCode: 200, retryAfter: undefined, excerpt: 'ok' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/hooks/imgrec?tenant=1', body });
    expect(requests[0]?.headers).toMatchObject({
      ...headers,
      'content-type': 'application/json',
      'user-agent': 'imgrec-webhooks/1',
    });
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const { origin, requests } = await start((_request, _index, response) =>
      response.writeHead(302, { location: '/elsewhere' }).end(),
    );
    const result = await sender()({ url: `${origin}/hook`, headers, body });
    expect(result).toMatchObject({ kind: 'response', statusCode: 302 });
    expect(requests.map((request) => request.path)).toEqual(['/hook']);
  });

  it('passes Retry-After on', async () => {
    const { origin } = await start((_request, _index, response) =>
      response.writeHead(503, { 'retry-after': '120' }).end(),
    );
    expect(await sender()({ url: `${origin}/`, headers, body })).toMatchObject({ statusCode: 503, retryAfter: '120' });
  });

  it('reads at most maxResponseBytes of an endless response, then hangs up', async () => {
    let written = 0;
    const { origin } = await start((_request, _index, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      // Keep writing until the client hangs up; a client that buffered everything would never return.
      const pump = () => {
        while (!response.destroyed && written < 50 * 1024 * 1024) {
          written += chunk.byteLength;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
      };
      pump();
    });
    const result = await sender({ maxResponseBytes: 64 * 1024 })({ url: `${origin}/`, headers, body });
    expect(result).toMatchObject({ kind: 'response', statusCode: 500, excerpt: 'x'.repeat(256) });
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('gives up after the timeout', async () => {
    const { origin } = await start(() => undefined);
    const started = Date.now();
    const result = await sender({ timeoutMs: 200 })({ url: `${origin}/`, headers, body });
    expect(result).toEqual({ kind: 'error', error: expect.stringContaining('ETIMEDOUT') });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a refused connection as an error, not a throw', async () => {
    const { origin } = await start();
    await receiver?.close();
    receiver = undefined;
    expect(await sender()({ url: `${origin}/`, headers, body })).toEqual({
      kind: 'error',
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });

  describe('checks the SSRF rules again at send time', () => {
    it('refuses a host name that now resolves to loopback, and sends nothing', async () => {
      const { origin, requests } = await start();
      const port = new URL(origin).port;
      const result = await sender({ allowHosts: [], resolve: async () => ['127.0.0.1'] })({
        url: `https://hooks.example.com:${port}/`,
        headers,
        body,
      });
      expect(result).toEqual({ kind: 'error', error: 'callback_url host resolves to a loopback address' });
      expect(requests).toHaveLength(0);
    });

    it('refuses an internal IP literal, which never reaches a DNS lookup', async () => {
      const { origin, requests } = await start();
      const port = new URL(origin).port;
      for (const host of ['127.0.0.1', '2130706433', '[::ffff:127.0.0.1]']) {
        const result = await sender({ allowHosts: [] })({ url: `https://${host}:${port}/`, headers, body });
        expect(result).toEqual({ kind: 'error', error: expect.stringMatching(/^callback_url host is an? /) });
      }
      expect(requests).toHaveLength(0);
    });

    it('refuses plain http to a host the allow-list no longer names', async () => {
      const { origin, requests } = await start();
      expect(await sender({ allowHosts: [] })({ url: `${origin}/`, headers, body })).toEqual({
        kind: 'error',
        error: 'callback_url must use https',
      });
      expect(requests).toHaveLength(0);
    });

    it('lets an allow-listed host name resolve normally', async () => {
      const { origin } = await start();
      const port = new URL(origin).port;
      const result = await sender({ allowHosts: ['localhost'] })({ url: `http://localhost:${port}/`, headers, body });
      expect(result).toMatchObject({ kind: 'response', statusCode: 204 });
    });
  });
});
