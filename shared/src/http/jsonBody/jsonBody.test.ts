import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createLogger } from '../../logging/logger.js';
import { httpErrorHandler } from '../httpErrorHandler/httpErrorHandler.js';
import { jsonBody, type EventWithJsonBody } from './jsonBody.js';

const seen: unknown[] = [];
const handler = middy<EventWithJsonBody, APIGatewayProxyStructuredResultV2>()
  .use(httpErrorHandler(createLogger('test', { level: 'error' })))
  .use(jsonBody())
  .handler(async (event) => {
    seen.push(event.body);
    return { statusCode: 204 };
  });

const send = async (headers: Record<string, string>, body: string | undefined, isBase64Encoded = false) => {
  const response = await handler({ headers, body, isBase64Encoded } as EventWithJsonBody, {} as Context);
  return { status: response.statusCode, code: response.body ? JSON.parse(response.body).error.code : undefined };
};

describe('jsonBody', () => {
  it('hands the handler the parsed body', async () => {
    expect(await send({ 'content-type': 'application/json; charset=utf-8' }, '{"max_labels":5}')).toEqual({
      status: 204,
      code: undefined,
    });
    expect(seen.at(-1)).toEqual({ max_labels: 5 });
  });

  it.each([
    ['no body', {}, undefined],
    ['an empty body', { 'content-type': 'application/json' }, ''],
    ['only white space, without a Content-Type', {}, '  \n'],
  ])('lets %s through as no body, the request with the defaults', async (_case, headers, body) => {
    expect((await send(headers, body)).status).toBe(204);
    expect(seen.at(-1)).toBeUndefined();
  });

  it('reads a base64-encoded body', async () => {
    await send({ 'content-type': 'application/json' }, Buffer.from('{"a":1}').toString('base64'), true);
    expect(seen.at(-1)).toEqual({ a: 1 });
  });

  it.each([
    ['a form post', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', 415, 'unsupported_media_type'],
    ['a body without a Content-Type', {}, '{}', 415, 'unsupported_media_type'],
    ['JSON that does not parse', { 'content-type': 'application/json' }, '{"a":', 400, 'malformed_json'],
  ])('refuses %s', async (_case, headers, body, status, code) => {
    expect(await send(headers, body)).toEqual({ status, code });
  });
});
