import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ModelInfo } from '@imgrec/shared';
import { DEFAULT_RECOGNITION_TIMEOUT_S } from '../../config.js';
import type { ImageRef, Recognizer } from '../../ports.js';
import { startDetectorPool } from '../startDetectorPool/startDetectorPool.js';
import { toLabelDetails } from '../toLabelDetails/toLabelDetails.js';

export interface LocalRecognizerConfig {
  /** Worker threads, each running one inference at a time; capped at the number of cores. */
  workers: number;
  /** Reads an uploaded image's bytes (the local blob store). What it throws rejects the job as is. */
  loadImage: (ref: ImageRef) => Promise<Uint8Array>;
  /** The worker entry; the CenterNet detector unless a test substitutes a scripted worker speaking its protocol. */
  workerUrl?: URL;
  /**
   * How long a worker may take over one image before it is replaced and the image fails as retryable
   * `recognition_timeout`; {@link DEFAULT_RECOGNITION_TIMEOUT_S} by default.
   */
  timeoutMs?: number;
}

export interface LocalRecognizer extends Recognizer {
  /** Resolves once every worker has loaded the model and warmed up; rejects if the workers could not start. */
  ready(): Promise<void>;
  /** Lets images being labelled finish, rejects queued ones (retryable) and stops the workers. */
  close(): Promise<void>;
}

const DETECTOR_WORKER_URL = new URL('../detectorWorker/detectorWorker.mjs', import.meta.url);

export const LOCAL_MODEL: ModelInfo = { provider: 'local', name: 'centernet-coco80', version: humanVersion() };

/**
 * The local-mode recognizer (see docs/ARCHITECTURE.md, "Recognition"): human's CenterNet COCO-80 detector on tfjs
 * WASM, in worker threads behind a queue. Each image is read only when a worker is free, then decoded and labelled in
 * the worker. Workers start loading at once; call ready() to wait for them.
 *
 * @throws RangeError when `workers` is not a positive integer.
 */
export function buildLocalRecognizer(config: LocalRecognizerConfig): LocalRecognizer {
  if (!Number.isInteger(config.workers) || config.workers < 1) {
    throw new RangeError(`workers must be a positive integer, got ${config.workers}`);
  }
  const pool = startDetectorPool({
    workers: Math.min(config.workers, availableParallelism()),
    workerUrl: config.workerUrl ?? DETECTOR_WORKER_URL,
    timeoutMs: config.timeoutMs ?? DEFAULT_RECOGNITION_TIMEOUT_S * 1000,
  });
  return {
    model: LOCAL_MODEL,
    async detectLabels(image, options) {
      const { detections } = await pool.detect(async () => {
        const bytes = await config.loadImage(image);
        return { image: bytes, minScore: options.min_confidence / 100 };
      });
      return toLabelDetails(detections, options);
    },
    ready: () => pool.ready(),
    close: () => pool.close(),
  };
}

/** human's package.json is hidden by its "exports" map, but it sits one folder above the file the package resolves to. */
function humanVersion(): string {
  const humanMain = createRequire(import.meta.url).resolve('@vladmandic/human');
  const manifest: unknown = JSON.parse(readFileSync(path.join(path.dirname(humanMain), '..', 'package.json'), 'utf8'));
  if (typeof manifest !== 'object' || manifest === null || !('version' in manifest)) {
    throw new Error('cannot read the version of @vladmandic/human');
  }
  return String(manifest.version);
}
