import { describe, expect, it } from '@jest/globals';
import { httpApiEvent, lambdaContextOf } from '@imgrec/shared/testing';
import { buildHandler } from './handler.js';

const healthRequest = httpApiEvent({ routeKey: 'GET /health', path: '/health' });

const context = lambdaContextOf('accounts', 'getHealth');

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
