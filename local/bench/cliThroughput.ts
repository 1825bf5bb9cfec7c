import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inParallel } from './inParallel/inParallel.js';
import { pathToFileURL } from 'node:url';
import {
  FIXTURES_DIR,
  REPO_ROOT,
  contentTypeOf,
  createBlob,
  getBlob,
  putBytes,
  runToExit,
  startStack,
  type BlobBody,
  type RunningStack,
} from '../test/harness.js';

const FIXTURES = ['dog.jpg', 'horses.jpg', 'astronaut.png', 'coffee.png'];
const CLI = join(REPO_ROOT, 'clients/typescript/bin/imgrec.mjs');

export interface CliThroughput {
  images: number;
  inFlight: number;
  /** Runs of each; the figures are over all of them (total images / total seconds). */
  rounds: number;
  /** The bench's end-to-end figure: first POST to the last blob's completed_at, uploads kept `inFlight` deep. */
  endToEndImagesPerSecond: number;
  /** `imgrec label <folder> --json`, as a user runs it: from starting the process to its exit. */
  cliImagesPerSecond: number;
  /** cli / end-to-end: at least 0.9 means the CLI is not the bottleneck. */
  ratio: number;
  /** Where the CLI's time went beyond the stack's: spawn to its first POST, and its last result to its exit (ms). */
  cliStartupMs: number;
  cliTailMs: number;
}

/** The bench's end-to-end measure (local/bench/bench.ts) on the given files: seconds from first POST to last result. */
const endToEnd = async (stack: RunningStack, files: string[], inFlight: number): Promise<number> => {
  const uploaded: string[] = [];
  const startedAt = Date.now();
  const upload = async (file: string) => {
    const blob = await createBlob(stack, { content_type: contentTypeOf(file) });
    const response = await putBytes(blob, readFileSync(file));
    if (response.status !== 200) throw new Error(`upload failed: ${response.status}`);
    uploaded.push(blob.blob_id);
  };
  await inParallel(files.length, inFlight, (index) => upload(files[index] as string));
  const results = new Map<string, BlobBody>();
  while (results.size < uploaded.length) {
    for (const blobId of uploaded) {
      if (results.has(blobId)) continue;
      const blob = await getBlob(stack, blobId);
      if (blob?.status === 'succeeded' || blob?.status === 'failed') results.set(blobId, blob);
    }
    if (Date.now() - startedAt > 300_000) throw new Error('end-to-end run did not finish in 5 minutes');
    await new Promise((wait) => setTimeout(wait, 1000));
  }
  const finishedAt = Math.max(...[...results.values()].map((blob) => Date.parse(String(blob.completed_at))));
  return (finishedAt - startedAt) / 1000;
};

/**
 * `imgrec label <folder> --json --concurrency <inFlight>` in a child process: seconds from spawn to exit, and how
 * long it took to send its first POST and to exit after its last result (from the blobs' own timestamps).
 */
const cli = async (stack: RunningStack, folder: string, images: number, inFlight: number) => {
  const started = performance.now();
  const spawnedAt = Date.now();
  const { code, stdout, stderr } = await runToExit(
    process.execPath,
    [CLI, 'label', folder, '--json', '--concurrency', String(inFlight)],
    { ...process.env, IMGREC_API_URL: stack.baseUrl, IMGREC_API_KEY: stack.apiKey },
  );
  const seconds = (performance.now() - started) / 1000;
  const exitedAt = Date.now();
  const lines = stdout.split('\n').filter((line) => line !== '');
  if (code !== 0 || lines.length !== images) {
    throw new Error(`imgrec label exited ${code} with ${lines.length} of ${images} results: ${stderr}`);
  }
  const blobs = lines.map((line) => JSON.parse(line) as { created_at: string; completed_at: string });
  return {
    seconds,
    startupMs: Math.min(...blobs.map((blob) => Date.parse(blob.created_at))) - spawnedAt,
    tailMs: exitedAt - Math.max(...blobs.map((blob) => Date.parse(blob.completed_at))),
  };
};

/**
 * The CLI against the bench's end-to-end figure, on one stack (workers as the bench sets them): the same `images`
 * fixture photos, the same uploads in flight. The two alternate for `rounds` rounds, each round in the other order,
 * so that a machine busy with something else for a while, or a stack still warming up, weighs on both alike. Starts
 * and stops its own stack.
 */
export const measureCliThroughput = async (
  options: { images?: number; inFlight?: number; workers?: number; rounds?: number } = {},
): Promise<CliThroughput> => {
  const { images = 60, inFlight = 8, workers = availableParallelism(), rounds = 2 } = options;
  const folder = mkdtempSync(join(tmpdir(), 'imgrec-cli-bench-'));
  const files = Array.from({ length: images }, (_, index) => {
    const fixture = FIXTURES[index % FIXTURES.length] as string;
    const file = join(folder, `${String(index).padStart(3, '0')}-${fixture}`);
    copyFileSync(join(FIXTURES_DIR, fixture), file);
    return file;
  });
  const stack = await startStack({
    validateResponses: false,
    env: { IMGREC_RECOGNIZER_WORKERS: String(workers), IMGREC_LOG_LEVEL: 'warn' },
  });
  try {
    let endToEndSeconds = 0;
    const cliRuns: Awaited<ReturnType<typeof cli>>[] = [];
    for (let round = 0; round < rounds; round += 1) {
      if (round % 2 === 1) cliRuns.push(await cli(stack, folder, images, inFlight));
      endToEndSeconds += await endToEnd(stack, files, inFlight);
      if (round % 2 === 0) cliRuns.push(await cli(stack, folder, images, inFlight));
    }
    const endToEndImagesPerSecond = (rounds * images) / endToEndSeconds;
    const cliImagesPerSecond = (rounds * images) / cliRuns.reduce((sum, run) => sum + run.seconds, 0);
    const mean = (values: number[]) => Math.round(values.reduce((sum, value) => sum + value, 0) / values.length);
    return {
      images,
      inFlight,
      rounds,
      endToEndImagesPerSecond,
      cliImagesPerSecond,
      ratio: cliImagesPerSecond / endToEndImagesPerSecond,
      cliStartupMs: mean(cliRuns.map((run) => run.startupMs)),
      cliTailMs: mean(cliRuns.map((run) => run.tailMs)),
    };
  } finally {
    await stack.stop();
    rmSync(folder, { recursive: true, force: true });
  }
};

// `node --import tsx local/bench/cliThroughput.ts`: the figure alone, as JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await measureCliThroughput(), null, 2)}\n`);
}
