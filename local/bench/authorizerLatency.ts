import { ensureDevTenant } from '@imgrec/accounts/devTenant';
import { localPlatform, startLocalServer, type HttpRoute } from '@imgrec/shared/local';
import { createLogger } from '@imgrec/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = 300;

const percentile50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const listen = async (routes: readonly HttpRoute[]) => {
  const server = await startLocalServer({
    port: 0,
    host: '127.0.0.1',
    publicHosts: [],
    routes,
    blobStore: localPlatform().blobStore,
    metrics: localPlatform().metrics,
    log: createLogger('bench', { level: 'error' }),
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** One POST /blobs and one GET /blobs/{id}, in ms. */
const postThenGet = async (baseUrl: string, authorization: string): Promise<number> => {
  const started = performance.now();
  const created = await fetch(`${baseUrl}/blobs`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: '{}',
  });
  const { blob_id: blobId } = (await created.json()) as { blob_id: string };
  const read = await fetch(`${baseUrl}/blobs/${blobId}`, { headers: { authorization } });
  await read.arrayBuffer();
  if (created.status !== 201 || read.status !== 200) throw new Error(`POST ${created.status}, GET ${read.status}`);
  return performance.now() - started;
};

/**
 * What the API key authorizer adds to a request: the same POST + GET pair, in the same process and run, through
 * the real routes (the accounts service's authorizer looks the key up before each handler) and through the same
 * routes whose authorizer is replaced by one that hands over the caller it would have found. The two alternate, so
 * a noisy neighbour weighs on both alike. No model is loaded: nothing is uploaded.
 */
export const measureAuthorizerLatency = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-bench-auth-'));
  process.env.IMGREC_DATA_DIR = dataDir;
  process.env.IMGREC_LOG_LEVEL = 'error';
  const platform = localPlatform();
  const { apiKey } = await ensureDevTenant(dataDir);
  if (apiKey === undefined) throw new Error('the bench needs a fresh dev tenant');
  platform.functions.start();
  const authorization = `Bearer ${apiKey}`;

  const withAuthorizer = await listen(platform.functions.routes);
  // The caller the real authorizer finds for this key, handed over without looking anything up.
  const caller = { tenant_id: 'dev', key_id: 'bench' };
  const withoutAuthorizer = await listen(
    platform.functions.routes.map((route) =>
      route.authorizer
        ? {
            ...route,
            authorizer: { ...route.authorizer, invoke: async () => ({ isAuthorized: true, context: caller }) },
          }
        : route,
    ),
  );
  try {
    for (let warmup = 0; warmup < 30; warmup += 1) {
      await postThenGet(withAuthorizer.baseUrl, authorization);
      await postThenGet(withoutAuthorizer.baseUrl, authorization);
    }
    const withTimes: number[] = [];
    const withoutTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      withTimes.push(await postThenGet(withAuthorizer.baseUrl, authorization));
      withoutTimes.push(await postThenGet(withoutAuthorizer.baseUrl, authorization));
    }
    const withP50 = percentile50(withTimes);
    const withoutP50 = percentile50(withoutTimes);
    return { rounds: ROUNDS, withP50, withoutP50, addedP50: withP50 - withoutP50 };
  } finally {
    await Promise.all([closeServer(withAuthorizer.server), closeServer(withoutAuthorizer.server)]);
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
