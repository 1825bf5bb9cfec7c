import { describe, expect, it } from '@jest/globals';
import { ValidationError, type AuthorizerContext, type DomainEvent } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { buildSqliteQuotaCounter } from '../../src/adapters/sqliteQuotaCounter/sqliteQuotaCounter.js';
import { buildSqliteUploadsRepository } from '../../src/adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import { buildHandler, type CreateUploadHandlerDeps } from './handler.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const TENANT_A: AuthorizerContext = { tenant_id: 'tnt_a', key_id: 'key_a1' };
const TENANT_B: AuthorizerContext = { tenant_id: 'tnt_b', key_id: 'key_b1' };

const wiring = () => {
  const published: DomainEvent[] = [];
  const boundLengths: (number | undefined)[] = [];
  const db = openDatabase(':memory:');
  const deps: CreateUploadHandlerDeps = {
    repository: buildSqliteUploadsRepository(db),
    quotaCounter: buildSqliteQuotaCounter(db),
    // The bucket's side, as both blob stores behave: a bound length is the one header the client must send.
    presignUpload: async (key, ttl, contentLength) => {
      boundLengths.push(contentLength);
      const headers: Record<string, string> =
        contentLength === undefined ? {} : { 'Content-Length': String(contentLength) };
      return {
        url: `https://bucket.example/${key}?sig=x`,
        headers,
        expiresAt: new Date(NOW.getTime() + ttl * 1000),
      };
    },
    checkCallbackUrl: async (url) => {
      if (!url.startsWith('https://hooks.example/')) throw new ValidationError('invalid_callback_url', 'not public');
    },
    publisher: { publish: async (...events) => void published.push(...events) },
    defaultMinConfidence: 30,
    now: () => NOW,
  };
  const handler = buildHandler(() => deps);
  const post = (options: Parameters<typeof postBlobsRequest>[0] = {}) =>
    handler(postBlobsRequest(options), context).then((response) => ({
      ...response,
      json: JSON.parse(response.body ?? '{}'),
    }));
  const blobCount = () => (db.prepare('SELECT COUNT(*) AS n FROM uploads').get() as { n: number }).n;
  return { post, published, boundLengths, blobCount };
};

/**
 * The event API Gateway HTTP API (payload format 2.0) sends for `POST /blobs` once the accounts service's Lambda
 * authorizer ran: its context arrives in `requestContext.authorizer.lambda`; `authorizer: null` is a route
 * deployed without it.
 */
const postBlobsRequest = ({
  body,
  headers = {},
  authorizer = TENANT_A,
}: {
  body?: string;
  headers?: Record<string, string>;
  authorizer?: AuthorizerContext | null;
}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /blobs',
    rawPath: '/blobs',
    rawQueryString: '',
    headers: {
      accept: '*/*',
      authorization: 'Bearer imgrec_sk_redacted',
      'content-length': String(body?.length ?? 0),
      'content-type': 'application/json',
      host: 'api.example.com',
      'user-agent': 'curl/8.5.0',
      'x-forwarded-proto': 'https',
      ...headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      ...(authorizer && { authorizer: { lambda: authorizer } }),
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'POST', path: '/blobs', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'Jc9kLh1ZjoEEMbQ=',
      routeKey: 'POST /blobs',
      stage: '$default',
      time: '27/Nov/2026:12:00:00 +0000',
      timeEpoch: NOW.getTime(),
    },
    ...(body !== undefined && { body }),
    isBase64Encoded: false,
  }) as APIGatewayProxyEventV2;

const context = {} as Context;

describe('POST /blobs handler', () => {
  it('creates an upload for the calling tenant with defaults applied, and announces it', async () => {
    const { post, published } = wiring();
    const response = await post();
    expect(response.statusCode).toBe(201);
    const body = response.json;
    expect(body).toEqual({
      blob_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      upload_url: expect.stringContaining(body.blob_id),
      upload_method: 'PUT',
      upload_headers: {},
      expires_at: '2026-11-27T12:10:00.000Z',
      status_url: `https://api.example.com/blobs/${body.blob_id}`,
    });
    expect(response.headers?.location).toBe(body.status_url);
    expect(published).toEqual([
      {
        detailType: 'BlobRequested',
        detail: expect.objectContaining({
          blob_id: body.blob_id,
          tenant_id: 'tnt_a',
          options: { min_confidence: 30, max_labels: 20 },
        }),
      },
    ]);
  });

  it('gives every blob a different id', async () => {
    const { post } = wiring();
    const ids = new Set<string>();
    for (let index = 0; index < 50; index += 1) ids.add((await post({ body: '{}' })).json.blob_id);
    expect(ids.size).toBe(50);
  });

  it('binds the upload URL to content_length and tells the client to send it', async () => {
    const { post, boundLengths } = wiring();
    const response = await post({ body: '{"content_length":48213}' });
    expect(response.statusCode).toBe(201);
    expect(response.json.upload_headers).toEqual({ 'Content-Length': '48213' });
    expect(boundLengths).toEqual([48_213]);
  });

  it('refuses a content_length past 15 MB with 400 image_too_large, and saves nothing', async () => {
    const { post, published, blobCount } = wiring();
    const response = await post({ body: '{"content_length":15728641}' });
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('image_too_large');
    expect(published).toEqual([]);
    expect(blobCount()).toBe(0);
  });

  it('refuses a callback URL the guard rejects, and saves nothing', async () => {
    const { post, published, blobCount } = wiring();
    const response = await post({ body: '{"callback_url":"https://10.0.0.1/"}' });
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_callback_url');
    expect(published).toEqual([]);
    expect(blobCount()).toBe(0);
  });

  it('replays an idempotent request and re-announces the blob; another body under the key is a conflict', async () => {
    const { post, published } = wiring();
    const first = await post({ body: '{"max_labels":3}', headers: { 'idempotency-key': 'k1' } });
    const second = await post({ body: '{"max_labels":3}', headers: { 'idempotency-key': 'k1' } });
    expect(second.body).toBe(first.body);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(published).toHaveLength(2);
    const conflict = await post({ body: '{"max_labels":4}', headers: { 'idempotency-key': 'k1' } });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json.error.code).toBe('idempotency_key_reused');
  });

  it('keeps Idempotency-Keys per tenant: the same key from another tenant creates that tenant’s own blob', async () => {
    const { post, published } = wiring();
    const fromA = await post({ body: '{"max_labels":3}', headers: { 'idempotency-key': 'order-42' } });
    const fromB = await post({
      body: '{"max_labels":3}',
      headers: { 'idempotency-key': 'order-42' },
      authorizer: TENANT_B,
    });
    expect(fromB.statusCode).toBe(201);
    expect(fromB.headers).not.toHaveProperty('idempotent-replayed');
    expect(fromB.json.blob_id).not.toBe(fromA.json.blob_id);
    expect(published.map((event) => [event.detail.blob_id, event.detail.tenant_id])).toEqual([
      [fromA.json.blob_id, 'tnt_a'],
      [fromB.json.blob_id, 'tnt_b'],
    ]);
    const againFromB = await post({
      body: '{"max_labels":4}',
      headers: { 'idempotency-key': 'order-42' },
      authorizer: TENANT_B,
    });
    expect(againFromB.statusCode).toBe(409);
  });

  it('answers 429 quota_exceeded with Retry-After until midnight UTC once the day’s quota is used up', async () => {
    const { post, published, blobCount } = wiring();
    const limited: AuthorizerContext = { ...TENANT_A, max_blobs_per_day: 2 };
    expect((await post({ authorizer: limited })).statusCode).toBe(201);
    expect((await post({ authorizer: limited })).statusCode).toBe(201);

    const refused = await post({ authorizer: limited });

    expect(refused.statusCode).toBe(429);
    expect(refused.json).toEqual({ error: { code: 'quota_exceeded', message: expect.any(String) } });
    // 12:00:00 UTC: twelve hours until the quota starts afresh.
    expect(refused.headers?.['retry-after']).toBe('43200');
    expect(published).toHaveLength(2);
    expect(blobCount()).toBe(2);
    expect((await post({ authorizer: { ...TENANT_B, max_blobs_per_day: 2 } })).statusCode).toBe(201);
  });

  it('never counts an idempotent replay against the quota, nor a request refused for its callback URL', async () => {
    const { post } = wiring();
    const limited: AuthorizerContext = { ...TENANT_A, max_blobs_per_day: 1 };
    expect((await post({ authorizer: limited, body: '{"callback_url":"http://10.0.0.1/"}' })).statusCode).toBe(400);
    const first = await post({ authorizer: limited, headers: { 'idempotency-key': 'k1' } });
    expect(first.statusCode).toBe(201);

    const replayed = await post({ authorizer: limited, headers: { 'idempotency-key': 'k1' } });

    expect(replayed.statusCode).toBe(201);
    expect(replayed.body).toBe(first.body);
    expect((await post({ authorizer: limited })).statusCode).toBe(429);
  });

  it('answers validation errors with 400 and the stable code', async () => {
    const { post } = wiring();
    const response = await post({ body: '{"max_labels":"many"}' });
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ error: { code: 'invalid_max_labels', message: expect.any(String) } });
  });

  it.each(['missing_api_key', 'invalid_api_key'] as const)(
    'answers 401 %s with WWW-Authenticate: Bearer when the authorizer recognised nobody, and saves nothing',
    async (code) => {
      const { post, published, blobCount } = wiring();
      const response = await post({ body: '{}', authorizer: { auth_error: code } });
      expect(response.statusCode).toBe(401);
      expect(response.headers?.['www-authenticate']).toBe('Bearer');
      expect(response.json).toEqual({ error: { code, message: expect.any(String) } });
      expect(published).toEqual([]);
      expect(blobCount()).toBe(0);
    },
  );

  it('answers a bare 500 internal_error, and saves nothing, when no authorizer ran before it', async () => {
    const { post, published, blobCount } = wiring();
    const response = await post({ body: '{}', authorizer: null });
    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({
      error: { code: 'internal_error', message: 'The server failed to handle this request.' },
    });
    expect(published).toEqual([]);
    expect(blobCount()).toBe(0);
  });
});
