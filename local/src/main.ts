import { ensureDevTenant } from '@imgrec/accounts/devTenant';
import { recognitionTimeoutMsFromEnv, recognizerWorkersFromEnv } from '@imgrec/recognition/config';
import { sweepLocal as sweepResults } from '@imgrec/results/retentionLocal';
import { createLogger, readInteger, retentionDeadline, retentionFromEnv } from '@imgrec/shared';
import { sweepLocal as sweepUploads } from '@imgrec/uploads/retentionLocal';
import { sweepLocal as sweepWebhooks } from '@imgrec/webhooks/retentionLocal';
import { PRIVATE_UMASK, localPlatform, runAsMultiConcurrentRuntime, startLocalServer } from '@imgrec/shared/local';
import { ensureDevWebhookSecret } from '@imgrec/webhooks/devWebhookSecret';
import type { Server } from 'node:http';
import { localPages } from './pages/localPages.js';
import { startRetentionSweep } from './retentionSweep/retentionSweep.js';

/** A supervisor waits about 5 s after SIGTERM before it kills; past this the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 4500;

const log = createLogger('local');

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });

/**
 * `npm start`: every service's functions in one process, wired from their serverless.yml to local adapters, behind
 * one HTTP server. Work left in flight by a crash is picked up again before serving.
 */
const main = async () => {
  const startedAt = performance.now();
  process.umask(PRIVATE_UMASK);
  // Settings first: a bad one stops the start before anything listens.
  const { imageRetentionDays } = retentionFromEnv();
  const sweepIntervalMs = readInteger('IMGREC_RETENTION_SWEEP_INTERVAL_S', { min: 1 }, 3600) * 1000;
  recognitionTimeoutMsFromEnv();
  // Two recognition batches per inference worker, so that the next image already waits at the pool when a worker
  // frees up. The deployed value is a deploy-time parameter (the Rekognition quota), which has no local meaning.
  const platform = localPlatform({
    functionConcurrency: { 'recognition.onBlobCreated': 2 * recognizerWorkersFromEnv() },
  });
  // Loading the handlers and the model (worker threads) is most of a start, and needs nothing below: begun first, it
  // runs while the data dir is prepared and the server starts. Serving still waits for it through readiness.
  const initialised = platform.functions.init().catch((error: unknown) => {
    log.error('initialisation failed', { error });
    process.exit(1);
  });
  // The dev tenant's key and webhook secret are printed once, when they are made, so the developer can use them;
  // they never go through the logger, whose lines are kept.
  const devTenant = await ensureDevTenant(platform.config.dataDir);
  if (devTenant.apiKey !== undefined) {
    process.stdout.write(
      `Created the dev tenant. Its API key is ${devTenant.apiKey}\n(kept in ${devTenant.file}; more tenants and keys: npm run admin -- --help)\n`,
    );
  }
  const devSecret = await ensureDevWebhookSecret(platform.config.dataDir);
  if (devSecret.generated !== undefined) {
    process.stdout.write(
      `Generated the dev tenant's webhook signing secret ${devSecret.generated}\n(npm run webhooks:listen verifies with it; set IMGREC_WEBHOOK_SECRET to use your own)\n`,
    );
  }
  if (devSecret.migrated) log.info('moved the webhook secret of an earlier release to the dev tenant');
  const released = platform.queues.releaseInFlight();
  const recovered = platform.blobStore.recoverUnrecorded();
  if (released > 0 || recovered.length > 0)
    log.info('resuming work left by the last run', { released, recovered: recovered.length });

  const port = Number(process.env.PORT ?? 3000);
  const server = await startLocalServer({
    port,
    host: process.env.IMGREC_HOST ?? '127.0.0.1',
    publicHosts: [new URL(platform.config.publicUrl).host],
    routes: platform.functions.routes,
    blobStore: platform.blobStore,
    metrics: platform.metrics,
    pages: localPages({ devApiKeyFile: devTenant.file, publicUrl: platform.config.publicUrl, log }),
    log,
  });
  log.info('listening', { url: platform.config.publicUrl, port, data_dir: platform.config.dataDir });

  platform.functions.start();
  const stopSweeping = startRetentionSweep({
    sweepers: {
      images: async (now) => (await platform.blobStore.sweepImages(retentionDeadline(now, imageRetentionDays))).length,
      uploads: sweepUploads,
      results: sweepResults,
      webhooks: sweepWebhooks,
    },
    intervalMs: sweepIntervalMs,
    now: () => new Date(),
    log,
  });
  void initialised.then(() => {
    platform.markReady();
    log.info('healthy', { ms_to_healthy: Math.round(performance.now() - startedAt) });
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    stopSweeping();
    void Promise.allSettled([closeServer(server), platform.close()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
};

runAsMultiConcurrentRuntime(main).catch((error: unknown) => {
  log.error('failed to start', { error });
  process.exit(1);
});
