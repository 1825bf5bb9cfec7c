import { createWebhookSigner, generateWebhookSecret, type Feature, type RecognitionOptions } from '@imgrec/shared';
import got from 'got';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { inParallel } from './inParallel/inParallel.js';
import { buildGotCallbackSender } from '../../services/webhooks/src/adapters/gotCallbackSender/gotCallbackSender.js';
import { buildLocalRecognizer } from '../../services/recognition/src/local/buildLocalRecognizer/buildLocalRecognizer.js';
import { renderTextImage } from '../../services/recognition/src/local/testing/textImage.js';
import { measureBundle } from '../../clients/typescript/scripts/measureBundle.js';
import { measureAuthorizerLatency } from './authorizerLatency.js';
import { measureCliThroughput } from './cliThroughput.js';
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
 * ratio between them means something on a noisy machine; then the cost of each feature (labels, text, faces) on
 * those photos, and the stack's throughput with all three on. Bounded in images and time; prints a Markdown table.
 */
const IMAGES = Number(process.env.BENCH_IMAGES ?? 120);
const WEBHOOK_MESSAGES = 400;
const CALLBACK_IMAGES = 30;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const FIXTURES = ['dog.jpg', 'horses.jpg', 'astronaut.png', 'coffee.png'];
/** Times each feature runs on each photo, one image at a time, for the per-feature cost. */
const FEATURE_ROUNDS = Number(process.env.BENCH_FEATURE_ROUNDS ?? 5);
const ALL_FEATURES: Feature[] = ['labels', 'text', 'faces'];
const workers = Number(process.env.IMGREC_RECOGNIZER_WORKERS ?? availableParallelism());

const photos = FIXTURES.map((name) => ({ name, bytes: readFileSync(join(FIXTURES_DIR, name)) }));
const photoAt = (index: number) => photos[index % photos.length] as { name: string; bytes: Buffer };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

const rawDetector = async () => {
  const recognizer = buildLocalRecognizer({
    workers,
    loadImage: async (ref) => photoAt(Number(ref.key)).bytes,
  });
  await recognizer.ready();
  const options = { min_confidence: 30, max_labels: 20 };
  const started = performance.now();
  await inParallel(IMAGES, workers * 2, async (index) => {
    await recognizer.recognize({ key: String(index) }, options);
  });
  const seconds = (performance.now() - started) / 1000;
  // One image at a time, as an unloaded stack sees them: the detector's own latency, which the pipeline adds to.
  const singleImageMs: number[] = [];
  for (let index = 0; index < CALLBACK_IMAGES; index += 1) {
    const imageStarted = performance.now();
    await recognizer.recognize({ key: String(index) }, options);
    singleImageMs.push(performance.now() - imageStarted);
  }
  await recognizer.close();
  return { throughput: IMAGES / seconds, singleImageP50: percentile(singleImageMs, 50) };
};

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Each feature alone on each photo, one image at a time on one worker, the features taking turns on every photo so
 * that the machine's noise falls on all of them alike. The first text job also starts tesseract in the worker: it is
 * timed apart, and compared with the median text job it gives tesseract's start-up cost. A generated image of printed
 * text shows what reading text costs when there is some.
 */
const perFeature = async () => {
  const printed = await renderTextImage([
    { text: 'Fresh coffee 2.50', font: 'Liberation Serif', size: 40 },
    { text: 'The quick brown fox jumps over the lazy dog', font: 'DejaVu Sans', size: 28 },
    { text: 'Invoice #12345 due 2026-12-01', font: 'Liberation Mono', size: 22 },
  ]);
  const recognizer = buildLocalRecognizer({
    workers: 1,
    loadImage: async (ref) => (ref.key === 'printed' ? printed : photoAt(Number(ref.key)).bytes),
  });
  const readyStarted = performance.now();
  await recognizer.ready();
  const readyMs = performance.now() - readyStarted;
  const time = async (key: string, features: Feature[]) => {
    const options: RecognitionOptions = { min_confidence: 30, max_labels: 20, features };
    const started = performance.now();
    await recognizer.recognize({ key }, options);
    return performance.now() - started;
  };
  const firstTextMs = await time('0', ['text']);
  const firstFacesMs = await time('0', ['faces']);
  const ms: Record<Feature | 'all' | 'printed', number[]> = { labels: [], text: [], faces: [], all: [], printed: [] };
  for (let index = 0; index < FEATURE_ROUNDS * photos.length; index += 1) {
    for (const feature of ALL_FEATURES) ms[feature].push(await time(String(index), [feature]));
    ms.all.push(await time(String(index), ALL_FEATURES));
    ms.printed.push(await time('printed', ['text']));
  }
  await recognizer.close();
  return {
    readyMs,
    images: ms.labels.length,
    mean: (key: keyof typeof ms) => mean(ms[key]),
    p50: (key: keyof typeof ms) => percentile(ms[key], 50),
    tesseractStartMs: firstTextMs - percentile(ms.text, 50),
    faceModelsStartMs: firstFacesMs - percentile(ms.faces, 50),
  };
};

const peakRssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return Math.round(kb / 1024);
};

/** The whole stack over HTTP at saturation, with `features` on every upload; callback latencies unless `features`. */
const endToEnd = async (features?: Feature[]) => {
  const bootStarted = performance.now();
  const stack = await startStack({
    validateResponses: false,
    env: { IMGREC_RECOGNIZER_WORKERS: String(workers), IMGREC_LOG_LEVEL: 'warn' },
  });
  const timeToHealthyMs = performance.now() - bootStarted;
  try {
    const uploaded: { blobId: string; putEndedAt: number }[] = [];
    const startedAt = Date.now();
    await inParallel(IMAGES, IN_FLIGHT, async (index) => {
      const photo = photoAt(index);
      const blob = await createBlob(stack, { content_type: contentTypeOf(photo.name), ...(features && { features }) });
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
    const callbacks = features ? undefined : await callbackLatencies(stack);
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
  await inParallel(WEBHOOK_MESSAGES, 16, async (index) => {
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
  const { callbacks } = e2e;
  if (!callbacks) throw new Error('the labels-only run measures callback latencies');
  const e2eAll = await endToEnd(ALL_FEATURES);
  const features = await perFeature();
  const httpStack = await startStack({ validateResponses: false, env: { IMGREC_RECOGNIZER_WORKERS: '1' } });
  const http = await measureHttpThroughput(httpStack).finally(() => httpStack.stop());
  const authorizer = await measureAuthorizerLatency();
  const timeToHealthy = await measureTimeToHealthy();
  const cliFigures = await measureCliThroughput({ workers });
  const clientBundle = await measureBundle();
  const rows: [string, string][] = [
    ['images per run', `${IMAGES} (${FIXTURES.join(', ')}), ${IN_FLIGHT} uploads in flight`],
    ['recognizer workers', String(workers)],
    ['raw detector throughput', `${raw.throughput.toFixed(2)} images/s`],
    ['end-to-end throughput (HTTP API, saturated)', `${e2e.throughput.toFixed(2)} images/s`],
    ['ratio end-to-end / raw', (e2e.throughput / raw.throughput).toFixed(2)],
    ['latency PUT end → succeeded at saturation, p50', `${percentile(e2e.latencies, 50)} ms`],
    ['latency PUT end → succeeded at saturation, p95', `${percentile(e2e.latencies, 95)} ms`],
    ['failed blobs', String(e2e.failed)],
    [
      'end-to-end throughput with features labels + text + faces (HTTP API, saturated)',
      `${e2eAll.throughput.toFixed(2)} images/s (${e2eAll.failed} failed; p50 PUT end → succeeded ${percentile(e2eAll.latencies, 50)} ms)`,
    ],
    ...ALL_FEATURES.map((feature): [string, string] => [
      `${feature} alone, one image at a time on one worker, mean / p50 (${features.images} images, same photos)`,
      `${features.mean(feature).toFixed(0)} ms / ${features.p50(feature).toFixed(0)} ms`,
    ]),
    [
      'labels + text + faces in one job, mean / p50 (same photos)',
      `${features.mean('all').toFixed(0)} ms / ${features.p50('all').toFixed(0)} ms`,
    ],
    [
      'text on a generated image of 3 printed lines, mean / p50',
      `${features.mean('printed').toFixed(0)} ms / ${features.p50('printed').toFixed(0)} ms`,
    ],
    [
      "first use in a worker: tesseract's start / the face models' load and warm-up (first job less the median)",
      `${features.tesseractStartMs.toFixed(0)} ms / ${features.faceModelsStartMs.toFixed(0)} ms`,
    ],
    ['one worker ready (object detector loaded and warmed up)', `${features.readyMs.toFixed(0)} ms`],
    ['peak RSS of the stack', `${e2e.peakRssMb} MB`],
    ['time to healthy (spawn → /health 200)', `${Math.round(e2e.timeToHealthyMs)} ms`],
    [
      'time to healthy from `npm start`, median of 3 (first on a fresh data dir)',
      `${timeToHealthy.median.toFixed(0)} ms (${timeToHealthy.starts.map((ms) => ms.toFixed(0)).join(', ')})`,
    ],
    ['webhook signing + delivery to a loopback receiver', `${webhooksPerSecond.toFixed(0)} messages/s (16 in flight)`],
    [
      'latency PUT end → succeeded, unloaded (one upload every 300 ms), p50 / p95',
      `${percentile(callbacks.toSucceeded, 50)} ms / ${percentile(callbacks.toSucceeded, 95)} ms`,
    ],
    [
      `raw detector, one image at a time, p50 (${CALLBACK_IMAGES} images, same photos)`,
      `${raw.singleImageP50.toFixed(0)} ms`,
    ],
    [
      'latency the pipeline adds: unloaded PUT end → succeeded p50 minus the raw single-image p50',
      `${(percentile(callbacks.toSucceeded, 50) - raw.singleImageP50).toFixed(0)} ms`,
    ],
    [
      `LabelsDetected → callback received, p50 / p95 (${callbacks.toCallback.length} of ${CALLBACK_IMAGES} callbacks)`,
      `${percentile(callbacks.toCallback, 50)} ms / ${percentile(callbacks.toCallback, 95)} ms`,
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
    [
      `\`imgrec label --json\` on a folder of ${cliFigures.images} photos / the same uploads driven directly (${cliFigures.inFlight} in flight, ${cliFigures.rounds} rounds each)`,
      `${cliFigures.cliImagesPerSecond.toFixed(2)} / ${cliFigures.endToEndImagesPerSecond.toFixed(2)} images/s = ${cliFigures.ratio.toFixed(2)} (CLI start ${cliFigures.cliStartupMs} ms, exit after the last result ${cliFigures.cliTailMs} ms)`,
    ],
    [
      '@imgrec/client browser bundle, minified / minified + gzip',
      `${(clientBundle.minifiedBytes / 1024).toFixed(1)} KB / ${(clientBundle.gzipBytes / 1024).toFixed(1)} KB`,
    ],
  ];
  process.stdout.write(`| measure | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
