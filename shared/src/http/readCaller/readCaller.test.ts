import { describe, expect, it } from '@jest/globals';
import { ApiKeyError } from '../../errors/index.js';
import { httpHeadersOf, httpStatusOf } from '../httpStatus/httpStatus.js';
import { MissingAuthorizerError, readCaller } from './readCaller.js';

const eventWith = (lambda: unknown) =>
  ({ requestContext: lambda === undefined ? {} : { authorizer: { lambda } } }) as Parameters<typeof readCaller>[0];

describe('readCaller', () => {
  it('returns the tenant and key the authorizer recognised, with the quota as a number', () => {
    expect(readCaller(eventWith({ tenant_id: 'tnt_1', key_id: 'key_1', max_blobs_per_day: '5' }))).toEqual({
      tenantId: 'tnt_1',
      keyId: 'key_1',
      maxBlobsPerDay: 5,
    });
    expect(readCaller(eventWith({ tenant_id: 'dev', key_id: 'key_2' })).maxBlobsPerDay).toBeUndefined();
  });

  it.each(['missing_api_key', 'invalid_api_key'] as const)(
    'turns the authorizer’s %s into the API key error the HTTP layer answers with a 401',
    (code) => {
      const refusal = (() => {
        try {
          readCaller(eventWith({ auth_error: code }));
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(refusal).toBeInstanceOf(ApiKeyError);
      expect(refusal).toMatchObject({ code });
      expect(httpStatusOf(code)).toBe(401);
      expect(httpHeadersOf(refusal as ApiKeyError)).toEqual({ 'www-authenticate': 'Bearer' });
    },
  );

  it('fails closed when no authorizer ran, or it handed over something else', () => {
    expect(() => readCaller(eventWith(undefined))).toThrow(MissingAuthorizerError);
    expect(() => readCaller(eventWith({ tenant_id: '../etc', key_id: 'k' }))).toThrow(MissingAuthorizerError);
  });
});
