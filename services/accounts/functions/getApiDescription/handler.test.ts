import { describe, expect, it } from '@jest/globals';
import { buildApiDescription } from '@imgrec/shared/openapi';
import { httpApiEvent, lambdaContextOf } from '@imgrec/shared/testing';
import { buildHandler, handler } from './handler.js';

const descriptionRequest = httpApiEvent({ routeKey: 'GET /openapi.json', path: '/openapi.json' });

const context = lambdaContextOf('accounts', 'getApiDescription');

describe('getApiDescription handler', () => {
  it('serves the OpenAPI document as JSON, with no API key, cacheable for a few minutes', async () => {
    const response = await handler(descriptionRequest, context);

    expect(response.statusCode).toBe(200);
    expect(response.headers).toStrictEqual({
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
    });
    expect(JSON.parse(response.body ?? '')).toStrictEqual(buildApiDescription());
  });

  it('answers a failure to build the document with the bare 500 of the contract', async () => {
    const failing = buildHandler(() => {
      throw new Error('zod schema broken');
    });

    const response = await failing(descriptionRequest, context);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toStrictEqual({
      error: { code: 'internal_error', message: 'The server failed to handle this request.' },
    });
  });
});
