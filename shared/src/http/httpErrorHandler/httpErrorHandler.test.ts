import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { ApiKeyError, ConflictError, ImgrecError, ValidationError } from '../../errors/index.js';
import { createLogger } from '../../logging/logger.js';
import { captureLogs } from '../../testing/captureLogs.js';
import { httpErrorHandler } from './httpErrorHandler.js';

const event = {} as APIGatewayProxyEventV2;
const context = {} as Context;

const handlerThrowing = (error: unknown) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrorHandler(createLogger('test', { level: 'error' })))
    .handler(async () => {
      throw error;
    });

describe('httpErrorHandler', () => {
  it('answers an ImgrecError with its status and stable code', async () => {
    const response = await handlerThrowing(new ValidationError('unknown_field', 'Unknown field "x".'))(event, context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'unknown_field', message: 'Unknown field "x".' },
    });
  });

  it('keeps the status of other client errors', async () => {
    const response = await handlerThrowing(new ConflictError('already_uploaded', 'Already uploaded.'))(event, context);
    expect(response.statusCode).toBe(409);
  });

  it('sends the headers an error needs, such as WWW-Authenticate on a 401', async () => {
    const response = await handlerThrowing(new ApiKeyError('invalid_api_key'))(event, context);
    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer', 'cache-control': 'no-store' });
    expect(JSON.parse(response.body ?? '').error.code).toBe('invalid_api_key');
  });

  it('answers Retry-After when the error says when to try again', async () => {
    const error = new ImgrecError('quota_exceeded', 'Come back tomorrow.', { retryAfterSeconds: 3600 });
    const response = await handlerThrowing(error)(event, context);
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({ 'retry-after': '3600' });
  });

  it.each([
    [{ 'content-type': 'text/plain' }, '{}', 415, 'unsupported_media_type'],
    [{ 'content-type': 'application/json' }, '{"a":', 400, 'malformed_json'],
  ])('maps http-json-body-parser’s refusal of %j %s to %i %s', async (headers, body, status, code) => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
      .use(httpErrorHandler(createLogger('test', { level: 'error' })))
      .use(httpJsonBodyParser())
      .handler(async () => ({ statusCode: 204 }));
    const response = await handler({ headers, body } as unknown as APIGatewayProxyEventV2, context);
    expect({ status: response.statusCode, code: JSON.parse(response.body ?? '').error.code }).toEqual({ status, code });
  });

  it('hides the message and stack of unexpected errors but logs them', async () => {
    const logs = captureLogs();
    const response = await handlerThrowing(new Error('SQLITE_CORRUPT at /srv/data'))(event, context).finally(
      logs.restore,
    );
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('SQLITE');
    expect(JSON.parse(response.body ?? '').error.code).toBe('internal_error');
    expect(JSON.stringify(logs.lines)).toContain('SQLITE_CORRUPT');
  });
});
