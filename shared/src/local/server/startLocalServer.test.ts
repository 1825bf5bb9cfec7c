import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { request, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../logging/logger.js';
import { captureLogs, type CapturedLogs } from '../../testing/captureLogs.js';
import { PrometheusMetrics } from '../metrics/prometheusMetrics.js';
import { FsBlobStore } from '../blobStore/FsBlobStore.js';
import { openDatabase } from '../sqlite/openDatabase.js';
import { startLocalServer } from './startLocalServer.js';

/** A GET with the given Host header, which fetch will not send. */
const getWithHost = (url: string, host: string) =>
  new Promise<string>((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    })
      .on('error', reject)
      .end();
  });

describe('startLocalServer', () => {
  let server: Server;
  let baseUrl: string;
  let logs: CapturedLogs;
  const metrics = new PrometheusMetrics();
  const seenEvents: unknown[] = [];
  const authorizerEvents: Record<string, unknown>[] = [];
  let authorizerAnswer: () => Promise<unknown> = async () => ({ isAuthorized: true, context: { tenant_id: 't1' } });

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-server-'));
    server = await startLocalServer({
      port: 0,
      host: '127.0.0.1',
      publicHosts: ['imgrec.example.com'],
      routes: [
        {
          method: 'GET',
          path: '/things/{id}',
          functionName: 'getThing',
          invoke: async (event) => {
            seenEvents.push(event);
            return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
          },
        },
        {
          method: 'GET',
          path: '/private',
          functionName: 'getPrivate',
          invoke: async (event) => {
            seenEvents.push(event);
            return { statusCode: 204 };
          },
          authorizer: {
            functionName: 'accounts.authorize',
            identitySource: ['$request.header.Authorization'],
            invoke: async (event) => {
              authorizerEvents.push(event as Record<string, unknown>);
              return authorizerAnswer();
            },
          },
        },
        {
          method: 'POST',
          path: '/things',
          functionName: 'broken',
          invoke: async () => {
            throw new Error('secret internals at /srv/app.ts:12');
          },
        },
      ],
      blobStore: new FsBlobStore(openDatabase(':memory:'), {
        dataDir,
        publicUrl: 'http://127.0.0.1',
        signingSecret: Buffer.from('k'),
        notify: () => undefined,
      }),
      metrics,
      pages: [
        { path: '/', render: ({ fromLoopback }) => ({ contentType: 'text/html', body: `loopback=${fromLoopback}` }) },
        {
          path: '/docs/',
          render: ({ path }) =>
            path === '/docs/app.css'
              ? { contentType: 'text/css', body: 'p{}', headers: { 'cache-control': 'max-age=60' } }
              : undefined,
        },
      ],
      log: createLogger('local', { level: 'info' }),
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  describe('a route behind a Lambda authorizer', () => {
    const errorOf = async (response: Response) => ({
      status: response.status,
      code: ((await response.json()) as { error: { code: string } }).error.code,
    });

    it('answers 401 missing_api_key without calling the authorizer when the identity source is absent', async () => {
      const calls = authorizerEvents.length;
      const response = await fetch(`${baseUrl}/private`);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await errorOf(response)).toEqual({ status: 401, code: 'missing_api_key' });
      expect(authorizerEvents).toHaveLength(calls);
    });

    it('hands the authorizer a REQUEST event and the route the context it returned', async () => {
      authorizerAnswer = async () => ({ isAuthorized: true, context: { tenant_id: 't1', key_id: 'k1' } });
      const response = await fetch(`${baseUrl}/private?x=1`, { headers: { Authorization: 'Bearer abc' } });
      expect(response.status).toBe(204);
      expect(authorizerEvents.at(-1)).toMatchObject({
        version: '2.0',
        type: 'REQUEST',
        routeKey: 'GET /private',
        identitySource: ['Bearer abc'],
        headers: { authorization: 'Bearer abc' },
        queryStringParameters: { x: '1' },
      });
      expect(authorizerEvents.at(-1)).not.toHaveProperty('body');
      expect(seenEvents.at(-1)).toMatchObject({
        requestContext: { authorizer: { lambda: { tenant_id: 't1', key_id: 'k1' } } },
      });
    });

    it('answers 403 when the authorizer denies, without running the route', async () => {
      authorizerAnswer = async () => ({ isAuthorized: false });
      const routeCalls = seenEvents.length;
      expect(await errorOf(await fetch(`${baseUrl}/private`, { headers: { Authorization: 'x' } }))).toEqual({
        status: 403,
        code: 'forbidden',
      });
      expect(seenEvents).toHaveLength(routeCalls);
    });

    it('answers 503 when the authorizer fails, never letting the request through', async () => {
      authorizerAnswer = async () => {
        throw new Error('accounts.db is locked');
      };
      const routeCalls = seenEvents.length;
      const response = await fetch(`${baseUrl}/private`, { headers: { Authorization: 'Bearer abc' } });
      expect(await errorOf(response)).toEqual({ status: 503, code: 'auth_unavailable' });
      expect(seenEvents).toHaveLength(routeCalls);
    });
  });

  it('hands a route an API Gateway v2 event with its path parameters', async () => {
    await fetch(`${baseUrl}/things/abc?x=1`, { headers: { 'X-Trace': 't1' } });
    expect(seenEvents.at(-1)).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things/{id}',
      rawPath: '/things/abc',
      rawQueryString: 'x=1',
      pathParameters: { id: 'abc' },
      headers: { 'x-trace': 't1' },
      requestContext: { http: { method: 'GET', path: '/things/abc' } },
    });
  });

  it('answers a handler crash with a bare 500 and logs it', async () => {
    const response = await fetch(`${baseUrl}/things`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toContain('secret internals');
    expect(JSON.parse(body).error.code).toBe('internal_error');
    expect(JSON.stringify(logs.lines)).toContain('secret internals');
  });

  it('refuses an API body over 1 MB with 413', async () => {
    const response = await fetch(`${baseUrl}/things`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('logs one line per request without the query string', async () => {
    await fetch(`${baseUrl}/things/abc?signature=top-secret`);
    const requestLines = logs.lines.filter((entry) => entry.message === 'request');
    expect(requestLines.at(-1)).toMatchObject({ method: 'GET', path: '/things/abc', status: 200 });
    expect(JSON.stringify(logs.lines)).not.toContain('top-secret');
  });

  it('serves pages without a key, telling them whether the client is on this machine', async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('loopback=true');
    // Addressed by its public name, even from this machine, the client is not treated as the machine's owner.
    expect(await getWithHost(`${baseUrl}/`, 'imgrec.example.com')).toBe('loopback=false');

    const asset = await fetch(`${baseUrl}/docs/app.css`);
    expect({
      status: asset.status,
      cacheControl: asset.headers.get('cache-control'),
      body: await asset.text(),
    }).toEqual({
      status: 200,
      cacheControl: 'max-age=60',
      body: 'p{}',
    });
    expect((await fetch(`${baseUrl}/docs/missing.js`)).status).toBe(404);
    const head = await fetch(`${baseUrl}/`, { method: 'HEAD' });
    expect({ status: head.status, length: head.headers.get('content-length') }).toEqual({ status: 200, length: '13' });
    const post = await fetch(`${baseUrl}/`, { method: 'POST' });
    expect({ status: post.status, allow: post.headers.get('allow') }).toEqual({ status: 405, allow: 'GET, HEAD' });
  });

  it('serves the counters at GET /metrics, in Prometheus text, without a key', async () => {
    metrics.forService('webhooks').count('callbacks_failed');
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('imgrec_callbacks_failed_total{service="webhooks"} 1');
    expect((await fetch(`${baseUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
