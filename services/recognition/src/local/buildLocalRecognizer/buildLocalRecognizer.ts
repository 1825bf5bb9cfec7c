import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { requestedFeatures, type ModelInfo } from '@imgrec/shared';
import { DEFAULT_RECOGNITION_TIMEOUT_S } from '../../config.js';
import type { Detections, ImageRef, Recognizer } from '../../ports.js';
import { startDetectorPool } from '../startDetectorPool/startDetectorPool.js';
import { toFaces } from '../toFaces/toFaces.js';
import { toLabelDetails } from '../toLabelDetails/toLabelDetails.js';
import { toTextLines } from '../toTextLines/toTextLines.js';

export interface LocalRecognizerConfig {
  /** Worker threads, each running one image (all its detectors) at a time; capped at the number of cores. */
  workers: number;
  /** Reads an uploaded image's bytes (the local blob store). What it throws rejects the job as is. */
  loadImage: (ref: ImageRef) => Promise<Uint8Array>;
  /** The worker entry; the real detectors unless a test substitutes a scripted worker speaking their protocol. */
  workerUrl?: URL;
  /**
   * How long a worker may take over one image, all requested detectors together, before it is replaced and the image
   * fails as retryable
   * `recognition_timeout`; {@link DEFAULT_RECOGNITION_TIMEOUT_S} by default.
   */
  timeoutMs?: number;
}

export interface LocalRecognizer extends Recognizer {
  /**
   * Resolves once every worker has loaded the object and face models and warmed up; rejects if the workers could not
   * start. Text recognition starts in each worker on its first image that asks for text, and is not waited for.
   */
  ready(): Promise<void>;
  /** Lets images being recognised finish, rejects queued ones (retryable) and stops the workers. */
  close(): Promise<void>;
}

const DETECTOR_WORKER_URL = new URL('../detectorWorker/detectorWorker.mjs', import.meta.url);

export const LOCAL_MODEL: ModelInfo = { provider: 'local', name: 'centernet-coco80', version: humanVersion() };

/**
 * The local-mode recognizer (see docs/ARCHITECTURE.md, "Recognition"): human's CenterNet COCO-80 object detector and
 * BlazeFace face detector on tfjs WASM, and tesseract.js for text, in worker threads behind one queue, so that each
 * core runs one image at a time whatever it asks for. Each image is read only when a worker is free, then decoded and
 * run through the requested detectors (labels only when `options.features` is absent) in the worker. Workers start
 * loading at once; call ready() to wait for them.
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
    async recognize(image, options) {
      const features = requestedFeatures(options);
      const detected = await pool.detect(async () => {
        const bytes = await config.loadImage(image);
        return { image: bytes, features, minScore: options.min_confidence / 100 };
      });
      const detections: Detections = {};
      if (detected.labels) detections.label_details = toLabelDetails(detected.labels, options);
      if (detected.text) detections.text = toTextLines(detected.text);
      if (detected.faces) detections.faces = toFaces(detected.faces);
      return detections;
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
