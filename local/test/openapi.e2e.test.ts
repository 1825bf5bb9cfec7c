import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startStack, type RunningStack } from './harness.js';

describe('the API description over HTTP', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('serves GET /openapi.json without a key: the document docs/openapi.json holds', async () => {
    const response = await fetch(`${stack.baseUrl}/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toStrictEqual(JSON.parse(readFileSync(join(REPO_ROOT, 'docs/openapi.json'), 'utf8')));
  });

  it('describes the routes the stack serves', async () => {
    const description = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };

    for (const path of Object.keys(description.paths)) {
      const concrete = path.replace('{blob_id}', 'AAAAAAAAAAAAAAAAAAAAAA');
      expect([path, (await fetch(`${stack.baseUrl}${concrete}`)).status]).not.toStrictEqual([path, 404]);
    }
  });
});
