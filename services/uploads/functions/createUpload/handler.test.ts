import { describe, expect, it } from '@jest/globals';
import { ValidationError, type DomainEvent } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { buildSqliteUploadsRepository } from '../../src/adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import { buildHandler, type CreateUploadHandlerDeps } from './handler.js';

const wiring = () => {
  const published: DomainEvent[] = [];
  const deps: CreateUploadHandlerDeps = {
    repository: buildSqliteUploadsRepository(openDatabase(':memory:')),
    presignUpload: async (key, contentType, ttl) => ({
      url: `https://bucket.example/${key}?sig=x`,
      headers: { 'Content-Type': contentType },
      expiresAt: new Date(Date.parse('2026-11-27T12:00:00Z') + ttl * 1000),
    }),
    checkCallbackUrl: async (url) => {
      if (!url.startsWith('https://hooks.example/')) throw new ValidationError('invalid_callback_url', 'not public');
    },
    publisher: { publish: async (...events) => void published.push(...events) },
    defaultMinConfidence: 30,
    now: () => new Date('2026-11-27T12:00:00Z'),
  };
  return { deps, published, handler: buildHandler(() => deps) };
};

const request = (body: string | undefined, headers: Record<string, string> = {}) =>
  ({
    body,
    headers: { 'content-type': 'application/json', ...headers },
    isBase64Encoded: false,
    requestContext: { domainName: 'api.example.com' },
  }) as unknown as APIGatewayProxyEventV2;

const context = {} as Context;

describe('POST /blobs handler', () => {
  it('creates an upload with defaults applied and announces it', async () => {
    const { handler, published } = wiring();
    const response = await handler(request(undefined), context);
    expect(response.statusCode).toBe(201);
    const body = JSON.parse(response.body ?? '');
    expect(body).toEqual({
      blob_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      upload_url: expect.stringContaining(body.blob_id),
      upload_method: 'PUT',
      upload_headers: { 'Content-Type': 'image/jpeg' },
      expires_at: '2026-11-27T12:10:00.000Z',
      status_url: `https://api.example.com/blobs/${body.blob_id}`,
    });
    expect(response.headers?.location).toBe(body.status_url);
    expect(published).toEqual([
      {
        detailType: 'BlobRequested',
        detail: expect.objectContaining({ blob_id: body.blob_id, options: { min_confidence: 30, max_labels: 20 } }),
      },
    ]);
  });

  it('gives every blob a different id', async () => {
    const { handler } = wiring();
    const ids = new Set<string>();
    for (let index = 0; index < 50; index += 1) {
      ids.add(JSON.parse((await handler(request('{}'), context)).body ?? '').blob_id);
    }
    expect(ids.size).toBe(50);
  });

  it('refuses a callback URL the guard rejects, and saves nothing', async () => {
    const { handler, published } = wiring();
    const response = await handler(request('{"callback_url":"https://10.0.0.1/"}'), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').error.code).toBe('invalid_callback_url');
    expect(published).toEqual([]);
  });

  it('replays an idempotent request and re-announces the blob', async () => {
    const { handler, published } = wiring();
    const first = await handler(request('{"max_labels":3}', { 'idempotency-key': 'k1' }), context);
    const second = await handler(request('{"max_labels":3}', { 'idempotency-key': 'k1' }), context);
    expect(second.body).toBe(first.body);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(published).toHaveLength(2);
    const conflict = await handler(request('{"max_labels":4}', { 'idempotency-key': 'k1' }), context);
    expect(conflict.statusCode).toBe(409);
  });

  it('answers validation errors with 400 and the stable code', async () => {
    const { handler } = wiring();
    const response = await handler(request('{"max_labels":"many"}'), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'invalid_max_labels', message: expect.any(String) },
    });
  });
});
