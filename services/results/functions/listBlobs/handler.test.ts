import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { blobViewSchema, type AuthorizerContext, type BlobStatus } from '@imgrec/shared';
import { captureLogs, httpApiEvent, lambdaContextOf, type CapturedLogs } from '@imgrec/shared/testing';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildSqliteResultsRepository } from '../../src/adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import { buildHmacListCursors } from '../../src/listCursors/hmacListCursors.js';
import type { ListQuery, ResultsRepository } from '../../src/ports.js';
import { SAMPLE_TENANT_ID, succeededView, viewWith } from '../../src/testing/sampleViews.js';
import { buildHandler as buildGetBlobHandler } from '../getBlob/handler.js';
import { buildHandler } from './handler.js';

/** The accounts service's authorizer recognised a key of the blobs' owner. */
const OWNER: AuthorizerContext = { tenant_id: SAMPLE_TENANT_ID, key_id: 'key_owner1' };
const OTHER: AuthorizerContext = { tenant_id: 'tnt_other', key_id: 'key_other1' };

const NOW = new Date('2026-11-27T13:00:00.000Z');

/** A 22-character blob id ending in `suffix`. */
const blobId = (suffix: string) => suffix.padStart(22, 'b');

/** `GET /blobs` as API Gateway hands it over once the authorizer ran; `null` is a route without it. */
const listRequest = (query: Record<string, string> = {}, authorizer: AuthorizerContext | null = OWNER) =>
  httpApiEvent({
    routeKey: 'GET /blobs',
    path: '/blobs',
    headers: { authorization: 'Bearer imgrec_sk_redacted' },
    queryStringParameters: query,
    ...(authorizer !== null && { authorizer }),
  });

const JSON_NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store' };

interface ListBody {
  data: { blob_id: string; status: BlobStatus }[];
  next_cursor: string | null;
}

describe('listBlobs handler', () => {
  let db: Database.Database;
  let repository: ResultsRepository;
  let listed: ListQuery[];
  let logs: CapturedLogs;

  beforeEach(() => {
    logs = captureLogs();
    db = new Database(':memory:');
    const sqlite = buildSqliteResultsRepository(db, { recordRetentionDays: 90 });
    listed = [];
    repository = {
      ...sqlite,
      list: (tenantId, query) => {
        listed.push(query);
        return sqlite.list(tenantId, query);
      },
    };
  });

  afterEach(() => {
    logs.restore();
    db.close();
  });

  const deps = () => ({
    repository,
    cursors: buildHmacListCursors(async () => Buffer.alloc(32, 7)),
    now: () => NOW,
  });

  const request = (
    query: Record<string, string> = {},
    authorizer: AuthorizerContext | null = OWNER,
  ): Promise<APIGatewayProxyStructuredResultV2> =>
    buildHandler(deps)(listRequest(query, authorizer), lambdaContextOf('results', 'listBlobs'));

  const list = async (query: Record<string, string> = {}, authorizer: AuthorizerContext = OWNER) => {
    const response = await request(query, authorizer);
    expect(response.statusCode).toBe(200);
    return JSON.parse(response.body ?? '') as ListBody;
  };

  const idsOf = (body: ListBody) => body.data.map((blob) => blob.blob_id);

  /** Every blob id of the caller's list, walked page by page. */
  const walk = async (query: Record<string, string>, between: () => Promise<void> = async () => undefined) => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const body: ListBody = await list({ ...query, ...(cursor !== null && { cursor }) });
      pages.push(idsOf(body));
      cursor = body.next_cursor;
      await between();
    } while (cursor !== null);
    return pages;
  };

  /** Records a blob of the owner (or `tenantId`) created `secondsAgo` before NOW. */
  const createBlob = async (
    id: string,
    secondsAgo: number,
    options: { status?: Exclude<BlobStatus, 'expired'>; expiresAt?: string; tenantId?: string } = {},
  ) => {
    const createdAt = new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
    const { status = 'succeeded', expiresAt, tenantId = SAMPLE_TENANT_ID } = options;
    const view = { ...(status === 'succeeded' ? succeededView(id) : viewWith(status, id)), created_at: createdAt };
    await repository.apply(id, () => ({ tenantId, view, ...(expiresAt !== undefined && { expiresAt }) }));
  };

  it('answers 200 with the caller’s blobs, newest first, each exactly as GET /blobs/{blob_id} serves it', async () => {
    await createBlob(blobId('old'), 3600);
    await createBlob(blobId('gone'), 1800, { status: 'awaiting_upload', expiresAt: '2026-11-27T12:40:00.000Z' });
    await createBlob(blobId('new'), 60, { status: 'processing' });

    const response = await request();

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject(JSON_NO_STORE);
    const body = JSON.parse(response.body ?? '') as ListBody;
    const getBlob = buildGetBlobHandler(deps);
    const served = await Promise.all(
      [blobId('new'), blobId('gone'), blobId('old')].map(async (id) => {
        const got = await getBlob(
          httpApiEvent({
            routeKey: 'GET /blobs/{blob_id}',
            path: `/blobs/${id}`,
            pathParameters: { blob_id: id },
            authorizer: OWNER,
          }),
          lambdaContextOf('results', 'getBlob'),
        );
        return JSON.parse(got.body ?? '') as unknown;
      }),
    );
    expect(body).toStrictEqual({ data: served, next_cursor: null });
    expect(body.data.map((blob) => blob.status)).toStrictEqual(['processing', 'expired', 'succeeded']);
    for (const blob of body.data) expect(blobViewSchema.strict().parse(blob)).toStrictEqual(blob);
  });

  it('answers an empty list without a cursor to a tenant that has no blobs', async () => {
    expect(await list()).toStrictEqual({ data: [], next_cursor: null });
  });

  it('answers 20 blobs a page by default', async () => {
    for (let index = 0; index < 21; index += 1) await createBlob(blobId(`n${index}`), index);

    const pages = await walk({});

    expect(pages.map((page) => page.length)).toStrictEqual([20, 1]);
    expect(pages[1]).toStrictEqual([blobId('n20')]);
  });

  it('walks every blob exactly once, page by page, while new blobs are created during the walk', async () => {
    for (let index = 1; index <= 5; index += 1) await createBlob(blobId(`n${index}`), 100 - index);
    let created = 0;

    const pages = await walk({ limit: '2' }, () => createBlob(blobId(`late${(created += 1)}`), -created));

    expect(pages).toStrictEqual([[blobId('n5'), blobId('n4')], [blobId('n3'), blobId('n2')], [blobId('n1')]]);
  });

  it('filters by status, expired included, and keeps the filter through the pages', async () => {
    await createBlob(blobId('waiting'), 60, { status: 'awaiting_upload', expiresAt: '2026-11-27T13:09:00.000Z' });
    await createBlob(blobId('expired1'), 1200, { status: 'awaiting_upload', expiresAt: '2026-11-27T12:50:00.000Z' });
    await createBlob(blobId('failed'), 1300, { status: 'failed' });
    await createBlob(blobId('expired2'), 1400, { status: 'awaiting_upload', expiresAt: '2026-11-27T12:46:40.000Z' });
    await createBlob(blobId('expired3'), 1500, { status: 'awaiting_upload', expiresAt: '2026-11-27T12:45:00.000Z' });

    expect(await walk({ status: 'expired', limit: '2' })).toStrictEqual([
      [blobId('expired1'), blobId('expired2')],
      [blobId('expired3')],
    ]);
    expect(await walk({ status: 'awaiting_upload' })).toStrictEqual([[blobId('waiting')]]);
    expect(await walk({ status: 'failed' })).toStrictEqual([[blobId('failed')]]);
    expect(await walk({ status: 'succeeded' })).toStrictEqual([[]]);
    const expired = await list({ status: 'expired' });
    expect(expired.data.map((blob) => blob.status)).toStrictEqual(['expired', 'expired', 'expired']);
  });

  it('never lists another tenant’s blobs', async () => {
    await createBlob(blobId('mine'), 60);
    await createBlob(blobId('theirs'), 30, { tenantId: OTHER.tenant_id });

    expect(idsOf(await list())).toStrictEqual([blobId('mine')]);
    expect(idsOf(await list({}, OTHER))).toStrictEqual([blobId('theirs')]);
  });

  it('leaves deleted blobs out', async () => {
    await createBlob(blobId('kept'), 60);
    await createBlob(blobId('deleted'), 30);
    await repository.apply(blobId('deleted'), () => ({
      tenantId: SAMPLE_TENANT_ID,
      deletedAt: '2026-11-27T12:59:00.000Z',
    }));

    expect(await list()).toMatchObject({ data: [{ blob_id: blobId('kept') }], next_cursor: null });
  });

  describe('refuses bad parameters with 400 before anything is read', () => {
    const refusal = async (query: Record<string, string>, authorizer: AuthorizerContext = OWNER) => {
      const response = await request(query, authorizer);
      expect(listed).toStrictEqual([]);
      expect(response.headers).toMatchObject(JSON_NO_STORE);
      return { statusCode: response.statusCode, body: JSON.parse(response.body ?? '') as unknown };
    };

    it.each(['unknown', '', 'FAILED', 'failed,succeeded', 'none'])('invalid_status for status=%j', async (status) => {
      expect(await refusal({ status })).toStrictEqual({
        statusCode: 400,
        body: {
          error: {
            code: 'invalid_status',
            message: 'status must be one of awaiting_upload, processing, succeeded, failed, expired.',
          },
        },
      });
    });

    it.each(['0', '101', '-1', '1.5', '1e2', 'ten', '', ' 5', '0x10', '1000'])(
      'invalid_limit for limit=%j',
      async (limit) => {
        expect(await refusal({ limit })).toStrictEqual({
          statusCode: 400,
          body: { error: { code: 'invalid_limit', message: 'limit must be a whole number from 1 to 100.' } },
        });
      },
    );

    const invalidCursor = {
      statusCode: 400,
      body: {
        error: {
          code: 'invalid_cursor',
          message:
            'cursor must be a next_cursor from GET /blobs, sent with the same status filter as the page that returned it.',
        },
      },
    };

    /** A real next_cursor of the owner's, from a page of one with the given filter. */
    const issuedCursor = async (query: Record<string, string> = {}) => {
      await createBlob(blobId('one'), 60);
      await createBlob(blobId('two'), 30);
      const { next_cursor: cursor } = await list({ ...query, limit: '1' });
      listed = [];
      if (cursor === null) throw new Error('the page should have a next_cursor');
      return cursor;
    };

    it.each([
      ['made up', () => 'eyJ2IjoxfQ'],
      ['empty', () => ''],
      ['truncated', (cursor: string) => cursor.slice(0, -4)],
      ['with one character changed', (cursor: string) => `${cursor[0] === 'e' ? 'f' : 'e'}${cursor.slice(1)}`],
    ])('invalid_cursor for a cursor %s', async (_case, mangle) => {
      const cursor = mangle(await issuedCursor());
      expect(await refusal({ cursor })).toStrictEqual(invalidCursor);
    });

    it('invalid_cursor for another tenant’s cursor', async () => {
      const cursor = await issuedCursor();
      expect(await refusal({ cursor }, OTHER)).toStrictEqual(invalidCursor);
    });

    it('invalid_cursor for a cursor sent with another status filter than its page’s', async () => {
      const cursor = await issuedCursor({ status: 'succeeded' });
      expect(await refusal({ cursor })).toStrictEqual(invalidCursor);
      expect(await refusal({ cursor, status: 'failed' })).toStrictEqual(invalidCursor);
    });
  });

  it.each(['missing_api_key', 'invalid_api_key'] as const)(
    'answers 401 %s with WWW-Authenticate: Bearer when the authorizer recognised nobody, without a lookup',
    async (code) => {
      const response = await request({}, { auth_error: code });

      expect(response.statusCode).toBe(401);
      expect(response.headers).toMatchObject({ ...JSON_NO_STORE, 'www-authenticate': 'Bearer' });
      expect(JSON.parse(response.body ?? '')).toStrictEqual({ error: { code, message: expect.any(String) } });
      expect(listed).toStrictEqual([]);
    },
  );

  it('answers a bare 500 internal_error, without a lookup, when no authorizer ran before it', async () => {
    const response = await request({}, null);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'internal_error', message: 'The server failed to handle this request.' },
    });
    expect(listed).toStrictEqual([]);
  });
});
