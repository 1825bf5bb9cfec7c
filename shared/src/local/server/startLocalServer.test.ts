import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLogger } from '../../logging/logger.js';
import { FsBlobStore } from '../blobStore/FsBlobStore.js';
import { openDatabase } from '../sqlite/openDatabase.js';
import { startLocalServer } from './startLocalServer.js';

describe('startLocalServer', () => {
  let server: Server;
  let baseUrl: string;
  let healthy = false;
  const lines: string[] = [];
  const seenEvents: unknown[] = [];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-server-'));
    server = await startLocalServer({
      port: 0,
      host: '127.0.0.1',
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
      isHealthy: () => healthy,
      log: buildLogger({}, { write: (line) => lines.push(line) }),
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reports 503 until healthy, then 200', async () => {
    expect((await fetch(`${baseUrl}/health`)).status).toBe(503);
    healthy = true;
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
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
    expect(lines.join('\n')).toContain('secret internals');
  });

  it('refuses an API body over 1 MB with 413', async () => {
    const response = await fetch(`${baseUrl}/things`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('logs one line per request without the query string', async () => {
    await fetch(`${baseUrl}/things/abc?signature=top-secret`);
    const requestLines = lines.map((line) => JSON.parse(line)).filter((entry) => entry.message === 'request');
    expect(requestLines.at(-1)).toMatchObject({ method: 'GET', path: '/things/abc', status: 200 });
    expect(lines.join('\n')).not.toContain('top-secret');
  });
});
