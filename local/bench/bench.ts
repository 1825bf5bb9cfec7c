import { createWebhookSigner, generateWebhookSecret } from '@imgrec/shared';
import got from 'got';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildGotCallbackSender } from '../../services/webhooks/src/adapters/gotCallbackSender/gotCallbackSender.js';
import { buildLocalRecognizer } from '../../services/recognition/src/local/buildLocalRecognizer/buildLocalRecognizer.js';
import { measureAuthorizerLatency } from './authorizerLatency.js';
import { measureHttpThroughput } from './httpThroughput.js';
import { measureTimeToHealthy } from './timeToHealthy.js';
import {
  FIXTURES_DIR,
  contentTypeOf,
  createBlob,
  getBlob,
  putBytes,
  startStack,
  type BlobBody,
} from '../test/harness.js';

/**
 * `npm run bench`: the detector alone, then the whole local stack over HTTP, on the same photos in one run, so the
 * ratio between them means something on a noisy machine. Bounded in images and time; prints a Markdown table.
 */
const IMAGES = Number(process.env.BENCH_IMAGES ?? 120);
const WEBHOOK_MESSAGES = 400;
const CALLBACK_IMAGES = 30;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const FIXTURES = ['dog.jpg', 'horses.jpg', 'astronaut.png', 'coffee.png'];
const workers = Number(process.env.IMGREC_RECOGNIZER_WORKERS ?? availableParallelism());

const photos = FIXTURES.map((name) => ({ name, bytes: readFileSync(join(FIXTURES_DIR, name)) }));
const photoAt = (index: number) => photos[index % photos.length] as { name: string; bytes: Buffer };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** Runs `task` for 0..count-1 with at most `limit` in flight. */
const pool = async (count: number, limit: number, task: (index: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
};

const rawDetector = async () => {
  const recognizer = buildLocalRecognizer({
    workers,
    loadImage: async (ref) => photoAt(Number(ref.key)).bytes,
  });
  await recognizer.ready();
  const options = { min_confidence: 30, max_labels: 20 };
  const started = performance.now();
  await pool(IMAGES, workers * 2, async (index) => {
    await recognizer.detectLabels({ key: String(index) }, options);
  });
  const seconds = (performance.now() - started) / 1000;
  // One image at a time, as an unloaded stack sees them: the detector's own latency, which the pipeline adds to.
  const singleImageMs: number[] = [];
  for (let index = 0; index < CALLBACK_IMAGES; index += 1) {
    const imageStarted = performance.now();
    await recognizer.detectLabels({ key: String(index) }, options);
    singleImageMs.push(performance.now() - imageStarted);
  }
  await recognizer.close();
  return { throughput: IMAGES / seconds, singleImageP50: percentile(singleImageMs, 50) };
};

const peakRssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return Math.round(kb / 1024);
};

const endToEnd = async () => {
  const bootStarted = performance.now();
  const stack = await startStack({ env: { IMGREC_RECOGNIZER_WORKERS: String(workers), IMGREC_LOG_LEVEL: 'warn' } });
  const timeToHealthyMs = performance.now() - bootStarted;
  try {
    const uploaded: { blobId: string; putEndedAt: number }[] = [];
    const startedAt = Date.now();
    await pool(IMAGES, IN_FLIGHT, async (index) => {
      const photo = photoAt(index);
      const blob = await createBlob(stack, { content_type: contentTypeOf(photo.name) });
      const response = await putBytes(blob, photo.bytes);
      if (response.status !== 200) throw new Error(`upload failed: ${response.status}`);
      uploaded.push({ blobId: blob.blob_id, putEndedAt: Date.now() });
    });
    const results = new Map<string, BlobBody>();
    while (results.size < uploaded.length) {
      for (const { blobId } of uploaded) {
        if (results.has(blobId)) continue;
        const blob = await getBlob(stack, blobId);
        if (blob.status === 'succeeded' || blob.status === 'failed') results.set(blobId, blob);
      }
      if (Date.now() - startedAt > 300_000) throw new Error('end-to-end run did not finish in 5 minutes');
      // Completion times come from the server (completed_at), so polling slowly costs no accuracy and keeps the
      // client from competing with the stack for the CPU.
      await new Promise((wait) => setTimeout(wait, 1000));
    }
    const finishedAt = Math.max(...[...results.values()].map((blob) => Date.parse(String(blob.completed_at))));
    const seconds = (finishedAt - startedAt) / 1000;
    const latencies = uploaded.map(
      ({ blobId, putEndedAt }) => Date.parse(String(results.get(blobId)?.completed_at)) - putEndedAt,
    );
    const failed = [...results.values()].filter((blob) => blob.status !== 'succeeded').length;
    const callbacks = await callbackLatencies(stack);
    return {
      throughput: IMAGES / seconds,
      latencies,
      failed,
      timeToHealthyMs,
      peakRssMb: peakRssMb(stack.pid),
      callbacks,
    };
  } finally {
    await stack.stop();
  }
};

/** A loopback webhook receiver that answers 204 and notes when each message arrived. */
const startReceiver = async () => {
  const arrivals: { receivedAt: number; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrivals.push({ receivedAt: Date.now(), body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  return { url, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

/** Signing plus delivery alone: the webhooks service's signer and sender against a loopback receiver. */
const signAndDeliver = async () => {
  const receiver = await startReceiver();
  const sign = createWebhookSigner(generateWebhookSecret());
  const send = buildGotCallbackSender(got, { allowHosts: ['127.0.0.1'] });
  const body = JSON.stringify({
    type: 'blob.labels_detected',
    timestamp: new Date().toISOString(),
    data: { blob_id: 'x'.repeat(22), status: 'succeeded', labels: ['dog', 'animal'], padding: 'x'.repeat(1500) },
  });
  const started = performance.now();
  await pool(WEBHOOK_MESSAGES, 16, async (index) => {
    const headers = sign({ id: `msg_${index}`, timestamp: new Date(), body });
    const result = await send({ url: receiver.url, headers: { ...headers }, body });
    if (result.kind !== 'response' || result.statusCode !== 204)
      throw new Error(`delivery failed: ${JSON.stringify(result)}`);
  });
  const perSecond = WEBHOOK_MESSAGES / ((performance.now() - started) / 1000);
  await receiver.close();
  return perSecond;
};

/**
 * PUT → succeeded and LabelsDetected → callback received, through the whole stack at a pace it keeps up with, so the
 * figures are the pipeline's latency rather than a backlog's. completed_at is stamped just before LabelsDetected is
 * published.
 */
const callbackLatencies = async (stack: Awaited<ReturnType<typeof startStack>>) => {
  const receiver = await startReceiver();
  const putEndedAt = new Map<string, number>();
  try {
    for (let index = 0; index < CALLBACK_IMAGES; index += 1) {
      const photo = photoAt(index);
      const blob = await createBlob(stack, {
        content_type: contentTypeOf(photo.name),
        callback_url: receiver.url,
      });
      await putBytes(blob, photo.bytes);
      putEndedAt.set(blob.blob_id, Date.now());
      await new Promise((wait) => setTimeout(wait, 300));
    }
    const deadline = Date.now() + 60_000;
    while (receiver.arrivals.length < CALLBACK_IMAGES && Date.now() < deadline) {
      await new Promise((wait) => setTimeout(wait, 100));
    }
    const messages = receiver.arrivals.map(({ receivedAt, body }) => ({
      receivedAt,
      data: (JSON.parse(body) as { data: { blob_id: string; completed_at: string } }).data,
    }));
    return {
      toCallback: messages.map(({ receivedAt, data }) => receivedAt - Date.parse(data.completed_at)),
      toSucceeded: messages.map(({ data }) => Date.parse(data.completed_at) - (putEndedAt.get(data.blob_id) ?? NaN)),
    };
  } finally {
    await receiver.close();
  }
};

const main = async () => {
  const raw = await rawDetector();
  const webhooksPerSecond = await signAndDeliver();
  const e2e = await endToEnd();
  const httpStack = await startStack({ env: { IMGREC_RECOGNIZER_WORKERS: '1' } });
  const http = await measureHttpThroughput(httpStack).finally(() => httpStack.stop());
  const authorizer = await measureAuthorizerLatency();
  const timeToHealthy = await measureTimeToHealthy();
  const rows: [string, string][] = [
    ['images per run', `${IMAGES} (${FIXTURES.join(', ')}), ${IN_FLIGHT} uploads in flight`],
    ['recognizer workers', String(workers)],
    ['raw detector throughput', `${raw.throughput.toFixed(2)} images/s`],
    ['end-to-end throughput (HTTP API, saturated)', `${e2e.throughput.toFixed(2)} images/s`],
    ['ratio end-to-end / raw', (e2e.throughput / raw.throughput).toFixed(2)],
    ['latency PUT end → succeeded at saturation, p50', `${percentile(e2e.latencies, 50)} ms`],
    ['latency PUT end → succeeded at saturation, p95', `${percentile(e2e.latencies, 95)} ms`],
    ['failed blobs', String(e2e.failed)],
    ['peak RSS of the stack', `${e2e.peakRssMb} MB`],
    ['time to healthy (spawn → /health 200)', `${Math.round(e2e.timeToHealthyMs)} ms`],
    [
      'time to healthy from `npm start`, median of 3 (first on a fresh data dir)',
      `${timeToHealthy.median.toFixed(0)} ms (${timeToHealthy.starts.map((ms) => ms.toFixed(0)).join(', ')})`,
    ],
    ['webhook signing + delivery to a loopback receiver', `${webhooksPerSecond.toFixed(0)} messages/s (16 in flight)`],
    [
      'latency PUT end → succeeded, unloaded (one upload every 300 ms), p50 / p95',
      `${percentile(e2e.callbacks.toSucceeded, 50)} ms / ${percentile(e2e.callbacks.toSucceeded, 95)} ms`,
    ],
    [
      `raw detector, one image at a time, p50 (${CALLBACK_IMAGES} images, same photos)`,
      `${raw.singleImageP50.toFixed(0)} ms`,
    ],
    [
      'latency the pipeline adds: unloaded PUT end → succeeded p50 minus the raw single-image p50',
      `${(percentile(e2e.callbacks.toSucceeded, 50) - raw.singleImageP50).toFixed(0)} ms`,
    ],
    [
      `LabelsDetected → callback received, p50 / p95 (${e2e.callbacks.toCallback.length} of ${CALLBACK_IMAGES} callbacks)`,
      `${percentile(e2e.callbacks.toCallback, 50)} ms / ${percentile(e2e.callbacks.toCallback, 95)} ms`,
    ],
    [
      `POST + GET /blobs p50, with the API key authorizer / without it (${authorizer.rounds} pairs each)`,
      `${authorizer.withP50.toFixed(2)} ms / ${authorizer.withoutP50.toFixed(2)} ms`,
    ],
    ['latency the authorizer adds to POST + GET, p50', `${authorizer.addedP50.toFixed(2)} ms`],
    ['GET /blobs/{id}, 16 connections', `${http.getOne.toFixed(0)} requests/s`],
    ['GET /blobs?limit=20, 16 connections', `${http.list.toFixed(0)} requests/s`],
    ['bare node:http server answering the same bytes as GET /blobs/{id}', `${http.bareServer.toFixed(0)} requests/s`],
    ['ratio GET /blobs/{id} / bare server', http.ratio.toFixed(2)],
  ];
  process.stdout.write(`| measure | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
