import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ApiKeyError, ConflictError, ValidationError } from '../../errors/index.js';
import { buildLogger } from '../../logging/logger.js';
import { httpErrorHandler } from './httpErrorHandler.js';

const event = {} as APIGatewayProxyEventV2;
const context = {} as Context;

const handlerThrowing = (error: unknown, lines: string[] = []) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrorHandler(buildLogger({}, { write: (line) => lines.push(line) })))
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

  it('hides the message and stack of unexpected errors but logs them', async () => {
    const lines: string[] = [];
    const response = await handlerThrowing(new Error('SQLITE_CORRUPT at /srv/data'), lines)(event, context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('SQLITE');
    expect(JSON.parse(response.body ?? '').error.code).toBe('internal_error');
    expect(lines.join('\n')).toContain('SQLITE_CORRUPT');
  });
});
