import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiKeyError, authorizerContextSchema, readCaller } from '@imgrec/shared';
import { openDatabase } from '@imgrec/shared/local';
import { httpApiEvent, lambdaContextOf } from '@imgrec/shared/testing';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { Database } from 'better-sqlite3';
import { buildSqliteAccountsStore } from '../../src/adapters/sqliteAccountsStore/sqliteAccountsStore.js';
import { generateApiKey, hashApiKey } from '../../src/apiKeys/apiKeys.js';
import type { AccountsStore } from '../../src/ports.js';
import { buildHandler } from './handler.js';

const NOW = new Date('2026-11-27T12:05:00.000Z');
const TENANT_ID = 'tnt_a0000000000000000001';
const KEY_ID = 'key_00000000000000000001';

/**
 * The event API Gateway HTTP API sends a REQUEST authorizer (payload format 2.0) for `POST /blobs`, with the
 * identity source `$request.header.Authorization`: the route's request, without its body, and with what the
 * authorizer is asked to look at.
 */
const authorizerEvent = (authorization: string | undefined): APIGatewayRequestAuthorizerEventV2 => {
  const {
    body: _body,
    isBase64Encoded: _isBase64Encoded,
    ...request
  } = httpApiEvent({
    routeKey: 'POST /blobs',
    path: '/blobs',
    headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) },
  });
  return {
    ...request,
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/$default/POST/blobs',
    identitySource: authorization === undefined ? [] : [authorization],
    cookies: [],
  };
};

const context = lambdaContextOf('accounts', 'authorizeRequest');

describe('authorizeRequest handler', () => {
  let db: Database;
  let store: AccountsStore;
  let apiKey: string;

  beforeEach(async () => {
    db = openDatabase(':memory:');
    store = buildSqliteAccountsStore(db);
    apiKey = generateApiKey();
    await store.createTenant({
      tenant_id: TENANT_ID,
      name: 'Acme Corp',
      status: 'active',
      max_blobs_per_day: 500,
      created_at: '2026-11-01T00:00:00.000Z',
    });
    await store.createKey({
      key_id: KEY_ID,
      tenant_id: TENANT_ID,
      key_hash: hashApiKey(apiKey),
      created_at: '2026-11-01T00:00:00.000Z',
    });
  });

  afterEach(() => {
    if (db.open) db.close();
  });

  const authorize = (authorization: string | undefined) =>
    buildHandler(() => ({ store, now: () => NOW }))(authorizerEvent(authorization), context);

  /** What a protected route makes of the context, as API Gateway hands it over in `authorizer.lambda`. */
  const callerOf = (result: { context: unknown }) =>
    readCaller({ requestContext: { authorizer: { lambda: result.context } } } as Parameters<typeof readCaller>[0]);

  it('authorizes a valid key with a simple response that carries the tenant to the route', async () => {
    const result = await authorize(`Bearer ${apiKey}`);

    expect(result).toStrictEqual({
      isAuthorized: true,
      context: { tenant_id: TENANT_ID, key_id: KEY_ID, max_blobs_per_day: 500 },
    });
    expect(callerOf(result)).toStrictEqual({ tenantId: TENANT_ID, keyId: KEY_ID, maxBlobsPerDay: 500 });
  });

  it('never denies: a missing key travels to the route, which answers 401 missing_api_key', async () => {
    const result = await authorize(undefined);

    expect(result).toStrictEqual({ isAuthorized: true, context: { auth_error: 'missing_api_key' } });
    expect(() => callerOf(result)).toThrow(new ApiKeyError('missing_api_key'));
  });

  it.each([
    ['malformed', () => 'Token abc'],
    ['unknown', () => `Bearer ${generateApiKey()}`],
  ])('never denies: an %s key travels to the route, which answers 401 invalid_api_key', async (_case, header) => {
    const result = await authorize(header());

    expect(result).toStrictEqual({ isAuthorized: true, context: { auth_error: 'invalid_api_key' } });
    expect(authorizerContextSchema.parse(result.context)).toStrictEqual(result.context);
    expect(() => callerOf(result)).toThrow(new ApiKeyError('invalid_api_key'));
  });

  it('refuses a key from the moment it is revoked', async () => {
    expect((await authorize(`Bearer ${apiKey}`)).context).toMatchObject({ key_id: KEY_ID });
    await store.revokeKey(KEY_ID, NOW.toISOString());
    expect((await authorize(`Bearer ${apiKey}`)).context).toStrictEqual({ auth_error: 'invalid_api_key' });
  });

  it('fails the invocation, and so lets nothing through, when the accounts store cannot be read', async () => {
    db.close();
    await expect(authorize(`Bearer ${apiKey}`)).rejects.toThrow();
  });
});
