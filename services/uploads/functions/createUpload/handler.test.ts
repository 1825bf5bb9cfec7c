import { describe, expect, it } from '@jest/globals';
import { UnavailableError, buildEmfMetrics, type AuthorizerContext } from '@imgrec/shared';
import { httpApiEvent, lambdaContextOf } from '@imgrec/shared/testing';
import { emf, logger } from '../../src/observability.js';
import { useLocalUploads } from '../../src/testing/localUploads.js';
import { buildHandler, type CreateUploadHandlerDeps } from './handler.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const TENANT_A: AuthorizerContext = { tenant_id: 'tnt_a', key_id: 'key_a1' };
const TENANT_B: AuthorizerContext = { tenant_id: 'tnt_b', key_id: 'key_b1' };
const API_DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';

const context = lambdaContextOf('uploads', 'createUpload');

/**
 * `POST /blobs` as API Gateway hands it over once the accounts service's authorizer ran; `authorizer: null` is a
 * route deployed without it.
 */
const postBlobs = ({
  body,
  headers = {},
  authorizer = TENANT_A,
}: {
  body?: string;
  headers?: Record<string, string>;
  authorizer?: AuthorizerContext | null;
}) =>
  httpApiEvent({
    routeKey: 'POST /blobs',
    path: '/blobs',
    headers: { authorization: 'Bearer imgrec_sk_redacted', 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body }),
    ...(authorizer !== null && { authorizer }),
  });

describe('POST /blobs handler', () => {
  const uploads = useLocalUploads(() => NOW);

  /** The handler on the local wiring, with the service's own logger, as the runtime wires it. */
  const postWith = (deps: CreateUploadHandlerDeps, request: Parameters<typeof postBlobs>[0] = {}) =>
    buildHandler(() => deps, 'local')(postBlobs(request), context).then((response) => ({
      ...response,
      json: JSON.parse(response.body ?? '{}'),
    }));
  const post = (request: Parameters<typeof postBlobs>[0] = {}) => postWith({ ...uploads.deps, log: logger }, request);

  it('creates an upload for the calling tenant with defaults applied, and announces it', async () => {
    const response = await post();
    expect(response.statusCode).toBe(201);
    const body = response.json;
    expect(body).toEqual({
      blob_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      upload_url: expect.stringContaining(body.blob_id),
      upload_method: 'PUT',
      upload_headers: {},
      expires_at: '2026-11-27T12:10:00.000Z',
      status_url: `https://${API_DOMAIN}/blobs/${body.blob_id}`,
    });
    expect(response.headers?.location).toBe(body.status_url);
    expect(uploads.published).toEqual([
      {
        detailType: 'BlobRequested',
        detail: expect.objectContaining({
          blob_id: body.blob_id,
          tenant_id: 'tnt_a',
          options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
        }),
      },
    ]);
    expect(await uploads.counted('blobs_created')).toBe(1);
  });

  it('publishes blobs_created to CloudWatch as the invocation ends, in aws mode, and not for a replay', async () => {
    const handler = buildHandler(() => ({ ...uploads.deps, metrics: buildEmfMetrics(emf) }), 'aws');
    const request = postBlobs({ headers: { 'idempotency-key': 'k1' } });

    await handler(request, context);
    await handler(request, context);

    const published = uploads.logs.lines.filter((line) => '_aws' in line);
    expect(published).toMatchObject([
      {
        _aws: { CloudWatchMetrics: [{ Namespace: 'imgrec', Metrics: [{ Name: 'blobs_created', Unit: 'Count' }] }] },
        service: 'uploads',
        blobs_created: 1,
      },
    ]);
  });

  it('takes a fixed public base URL for status_url when the mode has one', async () => {
    const response = await postWith({ ...uploads.deps, publicBaseUrl: 'http://localhost:3000' });
    expect(response.json.status_url).toBe(`http://localhost:3000/blobs/${response.json.blob_id}`);
  });

  it('gives every blob a different id', async () => {
    const ids = new Set<string>();
    for (let index = 0; index < 50; index += 1) ids.add((await post({ body: '{}' })).json.blob_id);
    expect(ids.size).toBe(50);
  });

  it('binds the upload URL to content_length and tells the client to send it', async () => {
    const response = await post({ body: '{"content_length":48213}' });
    expect(response.statusCode).toBe(201);
    expect(response.json.upload_headers).toEqual({ 'Content-Length': '48213' });
    expect(new URL(response.json.upload_url).searchParams.get('content-length')).toBe('48213');
  });

  it('refuses a content_length past 15 MB with 400 image_too_large, and saves nothing', async () => {
    const response = await post({ body: '{"content_length":15728641}' });
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('image_too_large');
    expect(uploads.published).toEqual([]);
    expect(uploads.uploadCount()).toBe(0);
  });

  it('refuses a callback URL the guard rejects, and saves nothing', async () => {
    const response = await post({ body: '{"callback_url":"https://10.0.0.1/"}' });
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('invalid_callback_url');
    expect(uploads.published).toEqual([]);
    expect(uploads.uploadCount()).toBe(0);
  });

  it('replays an idempotent request and re-announces the blob; another body under the key is a conflict', async () => {
    const first = await post({ body: '{"max_labels":3}', headers: { 'idempotency-key': 'k1' } });
    const second = await post({ body: '{"max_labels":3}', headers: { 'idempotency-key': 'k1' } });
    expect(second.body).toBe(first.body);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(uploads.published).toHaveLength(2);
    expect(await uploads.counted('blobs_created')).toBe(1);
    const conflict = await post({ body: '{"max_labels":4}', headers: { 'idempotency-key': 'k1' } });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json.error.code).toBe('idempotency_key_reused');
  });

  it('keeps Idempotency-Keys per tenant: the same key from another tenant creates that tenant’s own blob', async () => {
    const fromA = await post({ body: '{"max_labels":3}', headers: { 'idempotency-key': 'order-42' } });
    const fromB = await post({
      body: '{"max_labels":3}',
      headers: { 'idempotency-key': 'order-42' },
      authorizer: TENANT_B,
    });
    expect(fromB.statusCode).toBe(201);
    expect(fromB.headers).not.toHaveProperty('idempotent-replayed');
    expect(fromB.json.blob_id).not.toBe(fromA.json.blob_id);
    expect(uploads.published.map((event) => [event.detail.blob_id, event.detail.tenant_id])).toEqual([
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
    const limited: AuthorizerContext = { ...TENANT_A, max_blobs_per_day: 2 };
    expect((await post({ authorizer: limited })).statusCode).toBe(201);
    expect((await post({ authorizer: limited })).statusCode).toBe(201);

    const refused = await post({ authorizer: limited });

    expect(refused.statusCode).toBe(429);
    expect(refused.json).toEqual({ error: { code: 'quota_exceeded', message: expect.any(String) } });
    // 12:00:00 UTC: twelve hours until the quota starts afresh.
    expect(refused.headers?.['retry-after']).toBe('43200');
    expect(uploads.published).toHaveLength(2);
    expect(uploads.uploadCount()).toBe(2);
    expect((await post({ authorizer: { ...TENANT_B, max_blobs_per_day: 2 } })).statusCode).toBe(201);
  });

  it('never counts an idempotent replay against the quota, nor a request refused for its callback URL', async () => {
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
    const response = await post({ body: '{"max_labels":"many"}' });
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ error: { code: 'invalid_max_labels', message: expect.any(String) } });
  });

  it.each([
    ['not JSON', { body: '{"max_labels":' }, 400, 'malformed_json'],
    [
      'not declared JSON',
      { body: 'max_labels=3', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
  ])('refuses a body that is %s, and saves nothing', async (_case, request, status, code) => {
    const response = await post(request);
    expect(response.statusCode).toBe(status);
    expect(response.json).toEqual({ error: { code, message: expect.any(String) } });
    expect(uploads.uploadCount()).toBe(0);
  });

  it.each(['missing_api_key', 'invalid_api_key'] as const)(
    'answers 401 %s with WWW-Authenticate: Bearer when the authorizer recognised nobody, and saves nothing',
    async (code) => {
      const response = await post({ body: '{}', authorizer: { auth_error: code } });
      expect(response.statusCode).toBe(401);
      expect(response.headers?.['www-authenticate']).toBe('Bearer');
      expect(response.json).toEqual({ error: { code, message: expect.any(String) } });
      expect(uploads.published).toEqual([]);
      expect(uploads.uploadCount()).toBe(0);
    },
  );

  it('refuses a caller without a working key before it reads the body: 401, not a complaint about the JSON', async () => {
    const response = await post({
      body: '{"content_type":',
      headers: { 'content-type': 'text/plain' },
      authorizer: { auth_error: 'missing_api_key' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json).toMatchObject({ error: { code: 'missing_api_key' } });
  });

  it('answers a bare 500 internal_error, and saves nothing, when no authorizer ran before it', async () => {
    const response = await post({ body: '{}', authorizer: null });
    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({
      error: { code: 'internal_error', message: 'The server failed to handle this request.' },
    });
    expect(uploads.published).toEqual([]);
    expect(uploads.uploadCount()).toBe(0);
  });

  it('logs the caller’s tenant and the blob on its lines, in the invocation’s Lambda context', async () => {
    const created = await post({ body: '{}' });
    const invocation = { function_name: context.functionName, function_request_id: context.awsRequestId };

    expect(uploads.logs.lines).toMatchObject([
      { level: 'INFO', message: 'blob requested', tenant_id: 'tnt_a', blob_id: created.json.blob_id, ...invocation },
    ]);
  });

  it('logs a failure to announce the blob with its tenant and blob, and answers 503', async () => {
    const busDown = {
      publish: () => Promise.reject(new UnavailableError('event_publish_failed', 'The event bus is away.')),
    };

    const response = await postWith({ ...uploads.deps, log: logger, publisher: busDown });

    expect(response.statusCode).toBe(503);
    const [line] = uploads.logs.lines;
    expect(uploads.logs.lines).toHaveLength(1);
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'request failed',
      code: 'event_publish_failed',
      tenant_id: 'tnt_a',
      blob_id: expect.any(String),
    });
    expect(await uploads.deps.repository.get(String(line?.blob_id))).toMatchObject({ tenant_id: 'tnt_a' });
  });

  it('starts each invocation without the keys of the one before', async () => {
    await post({ body: '{}' });

    await post({ body: '{}', authorizer: null });

    const last = uploads.logs.lines.at(-1);
    expect(last).toMatchObject({ level: 'ERROR', message: 'unhandled error' });
    expect(last).not.toHaveProperty('tenant_id');
    expect(last).not.toHaveProperty('blob_id');
  });
});
