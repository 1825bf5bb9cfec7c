import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { buildHandler } from './handler.js';

/** The event API Gateway HTTP API (payload format 2.0) sends for `GET /health`. */
const healthRequest: APIGatewayProxyEventV2 = {
  version: '2.0',
  routeKey: 'GET /health',
  rawPath: '/health',
  rawQueryString: '',
  headers: {
    accept: '*/*',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'ELB-HealthChecker/2.0',
    'x-forwarded-proto': 'https',
  },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123',
    http: {
      method: 'GET',
      path: '/health',
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.7',
      userAgent: 'ELB-HealthChecker/2.0',
    },
    requestId: 'Jc9kLh1ZjoEEMbQ=',
    routeKey: 'GET /health',
    stage: '$default',
    time: '27/Nov/2026:12:05:00 +0000',
    timeEpoch: 1795867500000,
  },
  isBase64Encoded: false,
};

const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'imgrec-accounts-dev-getHealth',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:imgrec-accounts-dev-getHealth',
  memoryLimitInMB: '256',
  awsRequestId: '5d0f6c1e-8a47-4d1b-9a0e-3c2b1a0f9e8d',
  logGroupName: '/aws/lambda/imgrec-accounts-dev-getHealth',
  logStreamName: '2026/11/27/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 5_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

describe('getHealth handler', () => {
  const check = (ready: boolean) => buildHandler(() => ({ isReady: () => ready }))(healthRequest, context);

  it('answers 200 ok, never cached, once the stack is ready', async () => {
    const response = await check(true);

    expect(response).toStrictEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"status":"ok"}',
    });
  });

  it('answers 503 starting with Retry-After: 1, never cached, until then', async () => {
    const response = await check(false);

    expect(response).toStrictEqual({
      statusCode: 503,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '1' },
      body: '{"status":"starting"}',
    });
  });

  it('turns green as soon as the stack becomes ready, without a restart', async () => {
    let ready = false;
    const handler = buildHandler(() => ({ isReady: () => ready }));
    expect((await handler(healthRequest, context)).statusCode).toBe(503);
    ready = true;
    expect((await handler(healthRequest, context)).statusCode).toBe(200);
  });
});
