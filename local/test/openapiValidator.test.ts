import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWebhookBody } from '@imgrec/shared';
import { createServer, type Server } from 'node:http';
import { spawnValidatingProxy } from './harness.js';
import { startValidatingProxy, type ValidatingProxy } from './validatingProxy.js';
import { buildResponseValidator, type ObservedResponse } from './openapiValidator.js';

const validator = buildResponseValidator();

const BLOB_ID = 'Pk3bX0q8TzKy9nR2mW4vAg';

const json = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}) =>
  ({
    method,
    path,
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  }) satisfies ObservedResponse;

const blob = {
  blob_id: BLOB_ID,
  status: 'succeeded',
  labels: ['dog', 'animal'],
  label_details: [
    {
      name: 'dog',
      confidence: 71.5,
      parents: ['animal'],
      instances: [{ confidence: 71.5, bounding_box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 } }],
    },
  ],
  model: { provider: 'local', name: 'centernet', version: '1' },
  options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
  created_at: '2026-11-27T12:00:00.000Z',
  updated_at: '2026-11-27T12:00:03.000Z',
  completed_at: '2026-11-27T12:00:03.000Z',
};

const unauthorized = { error: { code: 'missing_api_key', message: 'Send your API key.' } };

describe('the response validator', () => {
  it('passes responses the description documents', () => {
    expect(validator.check(json('GET', `/blobs/${BLOB_ID}`, 200, blob))).toStrictEqual([]);
    expect(validator.check(json('GET', '/blobs', 200, { data: [blob], next_cursor: null }))).toStrictEqual([]);
    expect(validator.check(json('GET', '/blobs', 401, unauthorized, { 'www-authenticate': 'Bearer' }))).toStrictEqual(
      [],
    );
    expect(
      validator.check({ method: 'DELETE', path: `/blobs/${BLOB_ID}`, status: 204, headers: {}, body: Buffer.alloc(0) }),
    ).toStrictEqual([]);
  });

  it('fails a field the description does not list, however deep', () => {
    expect(validator.check(json('GET', `/blobs/${BLOB_ID}`, 200, { ...blob, colour: 'brown' }))).toStrictEqual([
      expect.stringContaining('"additionalProperty":"colour"'),
    ]);
    const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.4, depth: 1 };
    const deep = {
      ...blob,
      label_details: [{ ...blob.label_details[0], instances: [{ confidence: 71.5, bounding_box: box }] }],
    };
    expect(validator.check(json('GET', `/blobs/${BLOB_ID}`, 200, deep))).toStrictEqual([
      expect.stringContaining('"additionalProperty":"depth"'),
    ]);
  });

  it('fails a status the operation does not document', () => {
    expect(validator.check(json('GET', '/health', 418, { status: 'ok' }))).toStrictEqual([
      'status 418 is not documented',
    ]);
  });

  it('fails an error code that the status of the operation does not list', () => {
    const wrong = json('GET', `/blobs/${BLOB_ID}`, 404, { error: { code: 'route_not_found', message: 'No.' } });
    expect(validator.check(wrong)).toStrictEqual([expect.stringContaining('/error/code must be equal to one of')]);
  });

  it('fails a missing required header', () => {
    expect(validator.check(json('GET', '/blobs', 401, unauthorized))).toStrictEqual([
      'header WWW-Authenticate is missing',
    ]);
  });

  it('fails a body where none is documented', () => {
    expect(validator.check(json('DELETE', `/blobs/${BLOB_ID}`, 204, {}))).toStrictEqual([
      'a body where none is documented: {}',
    ]);
  });

  it('holds requests that reach no operation to the unrouted errors, and leaves the upload URL and pages alone', () => {
    const notFound = { error: { code: 'route_not_found', message: 'Nothing at /nope.' } };
    expect(validator.check(json('GET', '/nope', 404, notFound))).toStrictEqual([]);
    expect(validator.check(json('GET', '/nope', 400, notFound))).toStrictEqual([
      'route_not_found answered with status 400',
    ]);
    const notAllowed = { error: { code: 'method_not_allowed', message: 'Use POST, GET.' } };
    expect(validator.check(json('PUT', '/blobs', 405, notAllowed, { allow: 'POST, GET' }))).toStrictEqual([]);
    expect(validator.check(json('PUT', '/blobs', 405, notAllowed))).toStrictEqual(['405 without an Allow header']);
    const page = {
      method: 'GET',
      path: '/docs/',
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: Buffer.from('<p>'),
    };
    expect(validator.check(page)).toStrictEqual([]);
    expect(
      validator.check(json('PUT', `/uploads/${BLOB_ID}`, 403, { error: { code: 'invalid_signature' } })),
    ).toStrictEqual([]);
  });

  it('passes the webhook bodies the webhooks service builds', () => {
    const facts = {
      blob_id: BLOB_ID,
      tenant_id: 'tnt_validator',
      options: { min_confidence: 30, max_labels: 20, features: ['labels' as const] },
      callback_url: 'https://hooks.example.com/imgrec',
      created_at: '2026-11-27T12:00:00.000Z',
      completed_at: '2026-11-27T12:00:03.000Z',
    };
    const detected = buildWebhookBody({
      detailType: 'LabelsDetected',
      detail: {
        ...facts,
        labels: blob.labels,
        label_details: blob.label_details,
        model: { provider: 'local', name: 'centernet', version: '1' },
      },
    });
    const failed = buildWebhookBody({
      detailType: 'RecognitionFailed',
      detail: { ...facts, error: { code: 'unsupported_image_format', message: 'Not an image.', retryable: false } },
    });

    expect(validator.checkWebhook(detected.type, detected)).toStrictEqual([]);
    expect(validator.checkWebhook(failed.type, failed)).toStrictEqual([]);
    expect(validator.checkWebhook(failed.type, { ...failed, type: detected.type })).not.toStrictEqual([]);
  });
});

describe('the validating proxy', () => {
  let upstream: Server;
  let proxy: ValidatingProxy;
  const seenHosts: (string | undefined)[] = [];

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      seenHosts.push(request.headers.host);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(request.url === '/health' ? { status: 'ok', extra: true } : { status: 'ok' }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    proxy = await startValidatingProxy(typeof address === 'object' && address ? address.port : 0, validator);
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('passes the response through unchanged, with the Host the client sent, and records what violates the description', async () => {
    const response = await fetch(`${proxy.url}/health`);

    expect(await response.json()).toStrictEqual({ status: 'ok', extra: true });
    expect(seenHosts).toStrictEqual([new URL(proxy.url).host]);
    expect(proxy.violations).toStrictEqual([
      expect.stringContaining('GET /health → 200: / must NOT have additional properties'),
    ]);
  });

  it('reports what it finds to the test process when it runs as a process of its own', async () => {
    const address = upstream.address();
    const child = await spawnValidatingProxy(typeof address === 'object' && address ? address.port : 0);

    expect((await fetch(`${child.url}/health`)).status).toBe(200);
    await child.close();

    expect(child.violations).toStrictEqual([expect.stringContaining('GET /health → 200: / must NOT have additional')]);
  });
});
