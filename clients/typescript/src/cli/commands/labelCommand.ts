import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BlobResult, ImgrecClient } from '../../client/createImgrecClient/createImgrecClient.js';
import { ImgrecApiError } from '../../errors/errors.js';
import { sniffImageType } from '../../client/sniffImageType/sniffImageType.js';
import { collectImages, fsReason } from '../collectImages/collectImages.js';
import { describeError, isFatal, type ErrorContext } from '../describeError/describeError.js';
import {
  CSV_HEADER,
  formatCsvLine,
  formatJsonLine,
  formatTable,
  rowError,
  rowSucceeded,
  type LabelRow,
} from '../formatResults/formatResults.js';
import type { CliCommand } from '../parseCliArgs/parseCliArgs.js';
import { createProgressReporter } from '../progressReporter/progressReporter.js';
import type { CliIo } from '../runCli/cliIo.js';
import { createResultWatcher } from '../watchResults/watchResults.js';

type LabelCommand = Extract<CliCommand, { name: 'label' }>;

/**
 * Results are awaited while the next images upload; this many times `--concurrency` blobs may be in the pipeline at
 * once, so a big folder neither floods the API with polls nor leaves the recognizer waiting for work.
 */
const PIPELINE_FACTOR = 8;

/** A counting semaphore: at most `limit` holders at once. */
const semaphore = (limit: number) => {
  let held = 0;
  const waiting: (() => void)[] = [];
  return {
    acquire: async () => {
      if (held < limit) {
        held += 1;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else held -= 1;
    },
  };
};

const fileError = (code: string, message: string) => ({ code, message });

const progressLine = (row: LabelRow) => {
  const labels = (row.blob?.label_details ?? []).map((label) => label.name);
  return `${row.file}: ${row.blob?.status ?? 'failed'}${labels.length > 0 ? ` (${labels.join(', ')})` : ''}`;
};

/**
 * `imgrec label <files or folders…>`: uploads every image with at most `--concurrency` uploads in flight, awaits the
 * results alongside, and prints them as a table (at the end), JSON lines or CSV (as they come). Files that cannot be
 * read or are not JPEG/PNG, and blobs that fail, are reported one line each; a refused key, an exhausted quota or an
 * unreachable API stop the run with one line.
 * @returns the exit code: 0 when every image was labelled, 1 otherwise.
 */
export const labelCommand = async (
  command: LabelCommand,
  client: ImgrecClient,
  io: CliIo,
  context: ErrorContext,
): Promise<number> => {
  const started = performance.now();
  const problem = (path: string, reason: string) => `imgrec: ${path}: ${reason}`;
  const { files, problems } = await collectImages(command.paths);
  for (const { path, reason } of problems) io.stderr.write(`${problem(path, reason)}\n`);
  // Every path given is either files or a problem, and the problems are said above.
  if (files.length === 0) return 1;

  const progress = createProgressReporter(io.stderr, files.length);
  const rows: LabelRow[] = [];
  if (command.format === 'csv') io.stdout.write(`${CSV_HEADER}\n`);
  const emit = (row: LabelRow) => {
    rows.push(row);
    const error = rowError(row);
    progress.fileDone(progressLine(row), error && problem(row.file, `${error.code}: ${error.message}`));
    if (command.format === 'json') io.stdout.write(`${formatJsonLine(row)}\n`);
    if (command.format === 'csv') io.stdout.write(`${formatCsvLine(row)}\n`);
  };

  const stop = new AbortController();
  let fatal: unknown;
  const uploads = semaphore(command.concurrency);
  const pipeline = semaphore(command.concurrency * PIPELINE_FACTOR);
  const watcher = createResultWatcher(client, { signal: stop.signal });
  const request = {
    ...(command.minConfidence !== undefined && { min_confidence: command.minConfidence }),
    ...(command.features !== undefined && { features: command.features }),
  };

  const labelOne = async (file: string): Promise<LabelRow | undefined> => {
    let uploading = true;
    try {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (error) {
        return { file, blob: undefined, error: fileError('unreadable_file', fsReason(error)) };
      }
      const contentType = sniffImageType(bytes.subarray(0, 8));
      if (!contentType) {
        return { file, blob: undefined, error: fileError('not_an_image', 'not a JPEG or PNG image') };
      }
      // An Idempotency-Key makes the POST safe to repeat after a dropped connection: a repeat returns the same blob.
      const created = await client.upload(bytes, {
        ...request,
        content_type: contentType,
        idempotencyKey: randomUUID(),
        signal: stop.signal,
      });
      uploads.release();
      uploading = false;
      const blob: BlobResult = await watcher.watch(created.blob_id, created.postedAt);
      return { file, blob, error: undefined };
    } catch (error) {
      if (stop.signal.aborted) return undefined;
      if (isFatal(error)) {
        fatal = error;
        stop.abort();
        return undefined;
      }
      if (error instanceof ImgrecApiError)
        return { file, blob: undefined, error: fileError(error.code, error.message) };
      return { file, blob: undefined, error: fileError('error', describeError(error, context)) };
    } finally {
      if (uploading) uploads.release();
      pipeline.release();
    }
  };

  const running: Promise<void>[] = [];
  for (const file of files) {
    await pipeline.acquire();
    await uploads.acquire();
    if (stop.signal.aborted) {
      uploads.release();
      pipeline.release();
      break;
    }
    running.push(
      labelOne(file).then((row) => {
        if (row && !stop.signal.aborted) emit(row);
      }),
    );
  }
  await Promise.all(running);
  progress.stop();

  if (fatal !== undefined) {
    io.stderr.write(`imgrec: ${describeError(fatal, context)}\n`);
    return 1;
  }
  if (command.format === 'table') {
    const order = new Map(files.map((file, index) => [file, index]));
    rows.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
    io.stdout.write(`${formatTable(rows)}\n`);
  }
  const failed = rows.filter((row) => !rowSucceeded(row)).length + problems.length;
  const seconds = (performance.now() - started) / 1000;
  io.stderr.write(
    `imgrec: labelled ${rows.length - (failed - problems.length)} of ${files.length} images in ${seconds.toFixed(1)} s` +
      ` (${(files.length / seconds).toFixed(1)} images/s)${failed > 0 ? `; ${failed} failed` : ''}\n`,
  );
  return failed > 0 ? 1 : 0;
};
