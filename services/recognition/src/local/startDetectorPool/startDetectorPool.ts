import { Worker } from 'node:worker_threads';
import { ImageRejectedError, RecognitionError, type Feature } from '@imgrec/shared';
// On glibc Linux a native addon loaded only by worker threads is unloaded when the last of them exits, which can
// crash the process; loading sharp here keeps it resident for the life of the process (sharp's documented advice).
import 'sharp';
import type {
  DetectRequest,
  DetectedMessage,
  DetectorWorkerMessage,
  FailedMessage,
} from '../detectorWorker/protocol.js';

/**
 * Detector workers are plain JavaScript, so they run without the process's own flags: under `npm start`'s
 * `--import tsx`, every module a worker loaded (tfjs and human are large) also went through the module-hooks thread
 * that the main thread's imports wait on.
 */
const DETECTOR_WORKER_OPTIONS = { execArgv: [] };

export interface DetectorPoolConfig {
  /** How many worker threads to run; each runs one image, through all its detectors, at a time. */
  workers: number;
  /** The worker entry; it must speak the protocol in detectorWorker/protocol.ts. */
  workerUrl: URL;
  /** How long a worker may take over one image (all its detectors), counted from when the image is handed to it. */
  timeoutMs: number;
}

/** What a job hands its worker once one is free. */
export interface DetectorInput {
  image: Uint8Array;
  /** The detectors to run on it. */
  features: readonly Feature[];
  minScore: number;
}

export interface DetectorPool {
  /**
   * Queues a job and runs it on the next free worker, which runs every detector the job asks for, one after the
   * other. `prepare` runs only once a worker is free, so queued jobs hold no image bytes; whatever it throws rejects
   * the job as is.
   * @throws ImageRejectedError `unsupported_image_format` when the worker cannot decode the image.
   * @throws RecognitionError, retryable: `text_detection_failed` or `face_detection_failed` when the worker dies
   *   while reading text or finding faces, `recognizer_unavailable` when it dies at another point, the pool could not
   *   start or is closing; `recognition_failed` when object detection throws; `recognition_timeout` when the worker
   *   is still busy with the image after `timeoutMs`.
   * @throws RecognitionError, final: `text_detection_failed` or `face_detection_failed` when tesseract or the face
   *   detector rejects an image that decoded, as it would again.
   */
  detect(prepare: () => Promise<DetectorInput>): Promise<DetectedMessage>;
  /**
   * Resolves once a worker has loaded the object detector and warmed up, so jobs run (the others join as they come);
   * rejects if the workers could not start.
   */
  ready(): Promise<void>;
  /** Lets running jobs finish, rejects queued ones (retryable) and stops the workers. */
  close(): Promise<void>;
}

interface Job {
  prepare: () => Promise<DetectorInput>;
  resolve: (result: DetectedMessage) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  exited: Promise<void>;
  started: boolean;
  job: Job | undefined;
  /** Why the worker died, when it threw before exiting. */
  failure: Error | undefined;
  /** Ends the current job if the worker overruns its deadline. */
  deadline: NodeJS.Timeout | undefined;
  /** Set once the worker overran a deadline: it is being terminated, already replaced, and takes no more jobs. */
  retired: boolean;
  /** The detector the worker said it started last for the current job. */
  running: Feature | undefined;
}

/**
 * Starts `workers` detector threads behind one FIFO queue. A worker that dies after starting is replaced and its
 * job rejected as retryable; a worker that cannot start at all (missing model, broken install) breaks the pool
 * for good, since a replacement would fail the same way: every job is then rejected as retryable
 * `recognizer_unavailable` and the process needs a restart. A worker still busy with an image after `timeoutMs` is
 * terminated and replaced, and that image alone is rejected as retryable `recognition_timeout`.
 */
export function startDetectorPool(config: DetectorPoolConfig): DetectorPool {
  const queue: Job[] = [];
  const slots = new Set<Slot>();
  let closing = false;
  let broken: RecognitionError | undefined;
  let markReady: () => void = () => undefined;
  let markNotReady: (error: RecognitionError) => void = () => undefined;
  const readiness = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markNotReady = reject;
  });
  // Callers that only detect() learn of a failed start through their jobs, so the bare promise must not go unhandled.
  readiness.catch(() => undefined);

  const stopped = () => closing || broken !== undefined;
  const stopReason = () => broken ?? shuttingDown();

  function startSlot(): void {
    const worker = new Worker(config.workerUrl, DETECTOR_WORKER_OPTIONS);
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const slot: Slot = {
      worker,
      exited,
      started: false,
      job: undefined,
      failure: undefined,
      deadline: undefined,
      retired: false,
      running: undefined,
    };
    slots.add(slot);
    worker.on('message', (message: DetectorWorkerMessage) => onMessage(slot, message));
    worker.on('error', (error) => {
      slot.failure = error;
    });
    worker.on('exit', (exitCode) => onExit(slot, exitCode));
  }

  function onMessage(slot: Slot, message: DetectorWorkerMessage): void {
    // An answer that raced the deadline: its job has been rejected already, and the worker is on its way out.
    if (slot.retired) return;
    if (message.type === 'running') {
      slot.running = message.feature;
      return;
    }
    if (message.type === 'ready') {
      slot.started = true;
      // The first warmed-up worker can take work, so the pool is ready: waiting for every worker would make a start
      // pay for the slowest of them while they compete for the same cores. Later ones join the rotation as they come.
      markReady();
      release(slot);
      return;
    }
    if (slot.job) settle(slot.job, message);
    release(slot);
  }

  function onExit(slot: Slot, exitCode: number): void {
    slots.delete(slot);
    clearTimeout(slot.deadline);
    // Terminated on purpose after overrunning a deadline; its job is settled and its replacement started.
    if (slot.retired) return;
    const job = slot.job;
    slot.job = undefined;
    if (stopped()) {
      job?.reject(stopReason());
      return;
    }
    const cause = slot.failure ?? new Error(`worker exited with code ${exitCode}`);
    if (!slot.started) {
      breakPool(cause);
      return;
    }
    job?.reject(crashed(slot.running, cause));
    startSlot();
  }

  /**
   * Ends a job whose worker overran the deadline. A worker busy that long is wedged (most likely in inference:
   * sharp's pixel limit bounds decoding), and waiting for it would hold its slot, and close(), forever. So it is
   * terminated even though stopping a busy worker is otherwise avoided (see release), and a fresh one takes its place
   * at once so the pool keeps its size.
   */
  function onDeadline(slot: Slot, job: Job): void {
    slot.deadline = undefined;
    slot.retired = true;
    slot.job = undefined;
    const during = slot.running ? `, ${DETECTORS[slot.running].activity}` : '';
    job.reject(
      new RecognitionError(
        'recognition_timeout',
        `The local recognizer took longer than ${config.timeoutMs / 1000} s on this image${during}.`,
        true,
      ),
    );
    void slot.worker.terminate();
    if (!stopped()) startSlot();
  }

  function breakPool(cause: Error): void {
    broken = new RecognitionError('recognizer_unavailable', 'The local recognizer could not start.', true, { cause });
    stopAll();
  }

  /** Rejects the queue and stops every idle worker; busy ones stop when their job settles (see release). */
  function stopAll(): void {
    markNotReady(stopReason());
    for (const job of queue.splice(0)) job.reject(stopReason());
    for (const slot of slots) if (!slot.job) void slot.worker.terminate();
  }

  /** Frees a worker after its job (or its start): it takes the next job, or stops if the pool is stopping. */
  function release(slot: Slot): void {
    clearTimeout(slot.deadline);
    slot.deadline = undefined;
    slot.job = undefined;
    slot.running = undefined;
    // Stopping a worker in the middle of a sharp call can take the whole process down, so only idle ones are stopped.
    if (stopped()) void slot.worker.terminate();
    else dispatch();
  }

  function dispatch(): void {
    for (const slot of slots) {
      if (!slot.started || slot.job || slot.retired) continue;
      const job = queue.shift();
      if (!job) return;
      slot.job = job;
      void runOn(slot, job);
    }
  }

  async function runOn(slot: Slot, job: Job): Promise<void> {
    let input: DetectorInput;
    try {
      input = await job.prepare();
    } catch (error) {
      job.reject(error);
      release(slot);
      return;
    }
    // The worker may have died while the job was preparing; its exit handler has already rejected the job.
    if (slot.job !== job) return;
    if (stopped()) {
      job.reject(stopReason());
      release(slot);
      return;
    }
    // A copy the worker can own. Not slice(): on a Buffer it returns a view, and transferring that would detach
    // the caller's memory (or Node's shared Buffer pool).
    const image = new Uint8Array(input.image);
    const request: DetectRequest = { type: 'detect', image, features: input.features, minScore: input.minScore };
    slot.worker.postMessage(request, [image.buffer]);
    // Counted from here: reading the image is the caller's time, not the worker's.
    slot.deadline = setTimeout(() => onDeadline(slot, job), config.timeoutMs);
  }

  for (let started = 0; started < config.workers; started += 1) startSlot();

  return {
    detect(prepare) {
      if (stopped()) return Promise.reject(stopReason());
      return new Promise<DetectedMessage>((resolve, reject) => {
        queue.push({ prepare, resolve, reject });
        dispatch();
      });
    },
    ready: () => readiness,
    async close() {
      if (!closing) {
        closing = true;
        stopAll();
      }
      await Promise.all([...slots].map((slot) => slot.exited));
    },
  };
}

function settle(job: Job, message: Exclude<DetectorWorkerMessage, { type: 'ready' | 'running' }>): void {
  switch (message.type) {
    case 'detected':
      job.resolve(message);
      return;
    case 'undecodable':
      job.reject(
        new ImageRejectedError('unsupported_image_format', 'The image could not be decoded as a JPEG or PNG.', {
          cause: new Error(message.reason),
        }),
      );
      return;
    case 'failed':
      job.reject(detectorFailed(message));
  }
}

/** The code and wording of each detector's failures. */
const DETECTORS: Record<Feature, { failure: string; failed: string; activity: string }> = {
  labels: {
    failure: 'recognition_failed',
    failed: 'The local recognizer failed on this image.',
    activity: 'detecting objects',
  },
  text: {
    failure: 'text_detection_failed',
    failed: 'Text recognition failed on this image.',
    activity: 'reading text',
  },
  faces: {
    failure: 'face_detection_failed',
    failed: 'Face detection failed on this image.',
    activity: 'looking for faces',
  },
};

/**
 * A detector that threw on an image that decoded. tesseract and the face detector reject an input they cannot
 * handle the same way every time, so theirs is a final verdict; object detection failures are retried.
 */
function detectorFailed({ feature, reason }: FailedMessage): RecognitionError {
  const { failure, failed } = DETECTORS[feature];
  return new RecognitionError(failure, failed, feature === 'labels', { cause: new Error(reason) });
}

/** A worker that died during a job, in the detector it last started: a passing fault, so retryable. */
function crashed(running: Feature | undefined, cause: Error): RecognitionError {
  if (running === 'text' || running === 'faces') {
    const { failure, activity } = DETECTORS[running];
    return new RecognitionError(failure, `The local recognizer stopped while ${activity} in this image.`, true, {
      cause,
    });
  }
  return new RecognitionError('recognizer_unavailable', 'The recognizer stopped while labelling this image.', true, {
    cause,
  });
}

function shuttingDown(): RecognitionError {
  return new RecognitionError('recognizer_unavailable', 'The local recognizer is shutting down.', true);
}
