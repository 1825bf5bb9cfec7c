import { describe, expect, it } from '@jest/globals';
import { UnavailableError, newBlobId, type AuthorizerContext } from '@imgrec/shared';
import { httpApiEvent, lambdaContextOf } from '@imgrec/shared/testing';
import { createUpload } from '../../src/createUpload/createUpload.js';
import { logger } from '../../src/observability.js';
import { useLocalUploads } from '../../src/testing/localUploads.js';
import { buildHandler } from './handler.js';

const NOW = new Date('2026-11-27T12:05:00.000Z');
const TENANT_A: AuthorizerContext = { tenant_id: 'tnt_a', key_id: 'key_a1' };
const TENANT_B: AuthorizerContext = { tenant_id: 'tnt_b', key_id: 'key_b1' };

const context = lambdaContextOf('uploads', 'deleteBlob');

/**
 * `DELETE /blobs/{blob_id}` as API Gateway hands it over once the accounts service's authorizer ran; `authorizer:
 * null` is a route deployed without it.
 */
const deleteRequest = (blobId: string, authorizer: AuthorizerContext | null = TENANT_A) =>
  httpApiEvent({
    routeKey: 'DELETE /blobs/{blob_id}',
    path: `/blobs/${encodeURIComponent(blobId)}`,
    pathParameters: { blob_id: blobId },
    headers: { authorization: 'Bearer imgrec_sk_redacted' },
    ...(authorizer !== null && { authorizer }),
  });

describe('DELETE /blobs/{blob_id} handler', () => {
  const uploads = useLocalUploads(() => NOW);

  /** The handler on the local wiring, with the service's own logger, as the runtime wires it. */
  const send = (blobId: string, authorizer?: AuthorizerContext | null) =>
    buildHandler(() => ({ ...uploads.deps, log: logger }))(deleteRequest(blobId, authorizer), context).then(
      (response) => ({ ...response, json: response.body === undefined ? undefined : JSON.parse(response.body) }),
    );

  /** A blob of tenant A's, as POST /blobs leaves it. */
  const blobOfTenantA = async (): Promise<string> => {
    const { response } = await createUpload(
      { caller: { tenantId: 'tnt_a', maxBlobsPerDay: undefined }, request: {}, apiBaseUrl: 'https://api.example.com' },
      uploads.deps,
    );
    return response.blob_id;
  };

  const deletions = () => uploads.published.filter(({ detailType }) => detailType === 'BlobDeleted');

  it('deletes the caller’s blob and answers 204 with no body; the next DELETE answers 404', async () => {
    const blobId = await blobOfTenantA();

    const response = await send(blobId);

    expect(response.statusCode).toBe(204);
    expect(response.body).toBeUndefined();
    expect(deletions()).toMatchObject([{ detail: { blob_id: blobId, tenant_id: 'tnt_a' } }]);
    expect(uploads.deleted).toStrictEqual([blobId]);
    expect(uploads.uploadCount()).toBe(0);
    expect((await send(blobId)).statusCode).toBe(404);
  });

  it('answers another tenant’s blob with 404 blob_not_found, as if it did not exist, and deletes nothing', async () => {
    const blobId = await blobOfTenantA();

    const response = await send(blobId, TENANT_B);

    expect(response.statusCode).toBe(404);
    expect(response.json).toStrictEqual({
      error: { code: 'blob_not_found', message: `No blob has the id ${blobId}.` },
    });
    expect(deletions()).toStrictEqual([]);
    expect(uploads.deleted).toStrictEqual([]);
    expect(uploads.uploadCount()).toBe(1);
  });

  it('answers an id never issued with 404 blob_not_found', async () => {
    const blobId = newBlobId();

    const response = await send(blobId);

    expect(response.statusCode).toBe(404);
    expect(response.json).toStrictEqual({
      error: { code: 'blob_not_found', message: `No blob has the id ${blobId}.` },
    });
  });

  it.each(['not-an-id', 'q1Xw3-_9ZkLmNoPqRsTuV', 'q1Xw3-_9ZkLmNoPqRsTuVwx', 'q1Xw3-_9ZkLmNoPqRsTuV='])(
    'refuses %j with 400 invalid_blob_id, and deletes nothing',
    async (blobId) => {
      await blobOfTenantA();

      const response = await send(blobId);

      expect(response.statusCode).toBe(400);
      expect(response.json).toStrictEqual({ error: { code: 'invalid_blob_id', message: expect.any(String) } });
      expect(deletions()).toStrictEqual([]);
      expect(uploads.uploadCount()).toBe(1);
    },
  );

  it.each(['missing_api_key', 'invalid_api_key'] as const)(
    'answers 401 %s with WWW-Authenticate: Bearer when the authorizer recognised nobody, and deletes nothing',
    async (code) => {
      const blobId = await blobOfTenantA();

      const response = await send(blobId, { auth_error: code });

      expect(response.statusCode).toBe(401);
      expect(response.headers?.['www-authenticate']).toBe('Bearer');
      expect(response.json).toStrictEqual({ error: { code, message: expect.any(String) } });
      expect(uploads.uploadCount()).toBe(1);
    },
  );

  it('answers a bare 500 internal_error, and deletes nothing, when no authorizer ran before it', async () => {
    const blobId = await blobOfTenantA();

    const response = await send(blobId, null);

    expect(response.statusCode).toBe(500);
    expect(response.json).toStrictEqual({
      error: { code: 'internal_error', message: 'The server failed to handle this request.' },
    });
    expect(deletions()).toStrictEqual([]);
    expect(uploads.uploadCount()).toBe(1);
  });

  it('answers 503 and keeps the blob when BlobDeleted cannot go out, so the client can retry', async () => {
    const blobId = await blobOfTenantA();
    const busDown = {
      ...uploads.deps,
      log: logger,
      publisher: {
        publish: () => Promise.reject(new UnavailableError('event_publish_failed', 'The event bus is away.')),
      },
    };

    const response = await buildHandler(() => busDown)(deleteRequest(blobId), context);

    expect(response.statusCode).toBe(503);
    expect(uploads.deleted).toStrictEqual([]);
    expect(uploads.uploadCount()).toBe(1);
  });

  it('logs the deletion with the caller’s tenant and the blob, in the invocation’s Lambda context', async () => {
    const blobId = await blobOfTenantA();
    const invocation = { function_name: context.functionName, function_request_id: context.awsRequestId };

    await send(blobId);

    expect(uploads.logs.lines.at(-1)).toMatchObject({
      level: 'INFO',
      message: 'blob deleted',
      tenant_id: 'tnt_a',
      blob_id: blobId,
      ...invocation,
    });
  });
});
