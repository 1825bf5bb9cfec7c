import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { blobViewSchema, type AuthorizerContext } from '@imgrec/shared';
import { captureLogs, httpApiEvent, lambdaContextOf, type CapturedLogs } from '@imgrec/shared/testing';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildSqliteResultsRepository } from '../../src/adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import type { ResultsRepository } from '../../src/ports.js';
import { buildHandler } from './handler.js';
import {
  SAMPLE_BLOB_ID,
  SAMPLE_TENANT_ID,
  callbackDelivered,
  succeededView as sampleSucceededView,
  viewWith,
} from '../../src/testing/sampleViews.js';

const BLOB_ID = SAMPLE_BLOB_ID;

const succeededView = sampleSucceededView(BLOB_ID);

/** The accounts service's authorizer recognised a key of the blob's owner. */
const OWNER: AuthorizerContext = { tenant_id: SAMPLE_TENANT_ID, key_id: 'key_owner1' };

/** `GET /blobs/{blob_id}` as API Gateway hands it over once the authorizer ran; `null` is a route without it. */
const getBlobRequest = (blobId: string, authorizer: AuthorizerContext | null = OWNER) =>
  httpApiEvent({
    routeKey: 'GET /blobs/{blob_id}',
    path: `/blobs/${encodeURIComponent(blobId)}`,
    headers: { authorization: 'Bearer imgrec_sk_redacted' },
    // API Gateway hands the handler the decoded path segment.
    pathParameters: { blob_id: blobId },
    ...(authorizer !== null && { authorizer }),
  });

const context = lambdaContextOf('results', 'getBlob');

/** Half an hour after the sample views were created. */
const NOW = new Date('2026-11-27T12:30:00.000Z');

describe('getBlob handler', () => {
  let db: Database.Database;
  let repository: ResultsRepository;
  let lookedUp: string[];
  let logs: CapturedLogs;
  let now: Date;

  beforeEach(() => {
    now = NOW;
    logs = captureLogs();
    db = new Database(':memory:');
    const sqlite = buildSqliteResultsRepository(db, { recordRetentionDays: 90 });
    lookedUp = [];
    repository = {
      ...sqlite,
      get: (blobId, at) => {
        lookedUp.push(blobId);
        return sqlite.get(blobId, at);
      },
    };
  });

  afterEach(() => {
    logs.restore();
    db.close();
  });

  const get = async (
    blobId: string,
    authorizer: AuthorizerContext | null = OWNER,
  ): Promise<APIGatewayProxyStructuredResultV2> =>
    buildHandler(() => ({ repository, now: () => now }))(getBlobRequest(blobId, authorizer), context);

  const JSON_NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store' };

  it('answers 200 with the stored view as the GET body, never cached', async () => {
    await repository.apply(BLOB_ID, () => ({ tenantId: SAMPLE_TENANT_ID, view: succeededView }));

    const response = await get(BLOB_ID);

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject(JSON_NO_STORE);
    const body: unknown = JSON.parse(response.body ?? '');
    expect(body).toStrictEqual(succeededView);
    expect(blobViewSchema.strict().parse(body)).toStrictEqual(succeededView);
  });

  it('answers 404 blob_not_found for a well-formed id it has no record of', async () => {
    const response = await get(BLOB_ID);

    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject(JSON_NO_STORE);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'blob_not_found', message: `No blob has the id ${BLOB_ID}.` },
    });
  });

  it('answers another tenant’s blob with the very 404 an unknown blob gets', async () => {
    await repository.apply(BLOB_ID, () => ({ tenantId: SAMPLE_TENANT_ID, view: succeededView }));
    const unknown = await get('AAAAAAAAAAAAAAAAAAAAAA', { tenant_id: 'tnt_other', key_id: 'key_other1' });

    const response = await get(BLOB_ID, { tenant_id: 'tnt_other', key_id: 'key_other1' });

    expect(response.statusCode).toBe(404);
    expect(response.headers).toStrictEqual(unknown.headers);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'blob_not_found', message: `No blob has the id ${BLOB_ID}.` },
    });
  });

  it.each(['missing_api_key', 'invalid_api_key'] as const)(
    'answers 401 %s with WWW-Authenticate: Bearer when the authorizer recognised nobody, without a lookup',
    async (code) => {
      await repository.apply(BLOB_ID, () => ({ tenantId: SAMPLE_TENANT_ID, view: succeededView }));

      const response = await get(BLOB_ID, { auth_error: code });

      expect(response.statusCode).toBe(401);
      expect(response.headers).toMatchObject({ ...JSON_NO_STORE, 'www-authenticate': 'Bearer' });
      expect(JSON.parse(response.body ?? '')).toStrictEqual({ error: { code, message: expect.any(String) } });
      expect(lookedUp).toStrictEqual([]);
    },
  );

  it('answers a bare 500 internal_error, without a lookup, when no authorizer ran before it', async () => {
    await repository.apply(BLOB_ID, () => ({ tenantId: SAMPLE_TENANT_ID, view: succeededView }));

    const response = await get(BLOB_ID, null);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'internal_error', message: 'The server failed to handle this request.' },
    });
    expect(lookedUp).toStrictEqual([]);
  });

  it('answers 404 while it only holds callback outcomes that overtook the blob events', async () => {
    await repository.apply(BLOB_ID, () => ({
      tenantId: SAMPLE_TENANT_ID,
      earlyCallbackOutcomes: [callbackDelivered(BLOB_ID)],
    }));

    expect((await get(BLOB_ID)).statusCode).toBe(404);
  });

  it.each([
    ['one character short', BLOB_ID.slice(1)],
    ['one character long', `${BLOB_ID}A`],
    ['padded base64', `${BLOB_ID.slice(2)}==`],
    ['standard base64 characters', 'q1Xw3+/9ZkLmNoPqRsTuVw'],
    ['a slash', 'q1Xw3-_9ZkLmNoPqRs/TuVw'],
    ['a dot segment', '..'],
    ['non-ASCII letters', 'q1Xw3-_9ZkLmNoPqRsTuVé'],
  ])('answers 400 invalid_blob_id without a lookup for %s', async (_case, blobId) => {
    const response = await get(blobId);

    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject(JSON_NO_STORE);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'invalid_blob_id', message: 'blob_id must be the 22-character id returned by POST /blobs.' },
    });
    expect(lookedUp).toStrictEqual([]);
  });

  it('answers 500 internal_error, with no internals, when the stored record is unreadable, and logs it', async () => {
    db.prepare(
      "INSERT INTO blob_results (blob_id, version, tenant_id, status, view) VALUES (?, 1, ?, 'processing', ?)",
    ).run(BLOB_ID, SAMPLE_TENANT_ID, '{"blob_id": "truncated');

    const response = await get(BLOB_ID);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'internal_error', message: 'The server failed to handle this request.' },
    });
    // The line says for whom and for which blob, in the invocation's Lambda context.
    expect(logs.lines).toMatchObject([
      {
        level: 'ERROR',
        message: 'unhandled error',
        service: 'results',
        tenant_id: SAMPLE_TENANT_ID,
        blob_id: BLOB_ID,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      },
    ]);
  });

  it('serves a blob whose upload URL expired unused as expired, and one whose URL is valid as awaiting_upload', async () => {
    const awaiting = { ...viewWith('awaiting_upload', BLOB_ID), created_at: '2026-11-27T12:25:00.000Z' };
    await repository.apply(BLOB_ID, () => ({
      tenantId: SAMPLE_TENANT_ID,
      view: awaiting,
      expiresAt: '2026-11-27T12:35:00.000Z',
    }));

    const before = JSON.parse((await get(BLOB_ID)).body ?? '');
    now = new Date('2026-11-27T12:35:00.000Z');
    const after = JSON.parse((await get(BLOB_ID)).body ?? '');

    expect(before).toStrictEqual(awaiting);
    expect(after).toStrictEqual({ ...awaiting, status: 'expired' });
  });

  it('answers a deleted blob with the very 404 an unknown blob gets', async () => {
    await repository.apply(BLOB_ID, () => ({ tenantId: SAMPLE_TENANT_ID, view: succeededView }));
    await repository.apply(BLOB_ID, () => ({ tenantId: SAMPLE_TENANT_ID, deletedAt: '2026-11-27T12:20:00.000Z' }));
    const unknown = await get('AAAAAAAAAAAAAAAAAAAAAA');

    const response = await get(BLOB_ID);

    expect(response.statusCode).toBe(404);
    expect(response.headers).toStrictEqual(unknown.headers);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'blob_not_found', message: `No blob has the id ${BLOB_ID}.` },
    });
  });

  it('answers 404 once the record retention has passed, before the record is removed', async () => {
    await repository.apply(BLOB_ID, () => ({ tenantId: SAMPLE_TENANT_ID, view: succeededView }));

    now = new Date('2027-02-25T11:59:59.000Z');
    expect((await get(BLOB_ID)).statusCode).toBe(200);
    now = new Date('2027-02-25T12:00:00.000Z');
    expect((await get(BLOB_ID)).statusCode).toBe(404);
  });
});
