import { Worker } from 'node:worker_threads';
import { ImageRejectedError, RecognitionError } from '@imgrec/shared';
// On glibc Linux a native addon loaded only by worker threads is unloaded when the last of them exits, which can
// crash the process; loading sharp here keeps it resident for the life of the process (sharp's documented advice).
import 'sharp';
import type { DetectRequest, DetectedMessage, DetectorWorkerMessage } from '../detectorWorker/protocol.js';

export interface DetectorPoolConfig {
  /** How many worker threads to run; each runs one inference at a time. */
  workers: number;
  /** The worker entry; it must speak the protocol in detectorWorker/protocol.ts. */
  workerUrl: URL;
  /** How long a worker may take over one image, counted from when the image is handed to it. */
  timeoutMs: number;
}

/** What a job hands its worker once one is free. */
export interface DetectorInput {
  image: Uint8Array;
  minScore: number;
}

export interface DetectorPool {
  /**
   * Queues a job and runs it on the next free worker. `prepare` runs only once a worker is free, so queued jobs
   * hold no image bytes; whatever it throws rejects the job as is.
   * @throws ImageRejectedError `unsupported_image_format` when the worker cannot decode the image.
   * @throws RecognitionError retryable `recognizer_unavailable` when the worker dies during the job, the pool could
   *   not start or is closing; retryable `recognition_failed` when inference fails for another reason; retryable
   *   `recognition_timeout` when the worker is still busy with the image after `timeoutMs`.
   */
  detect(prepare: () => Promise<DetectorInput>): Promise<DetectedMessage>;
  /** Resolves once every worker has loaded the model and warmed up; rejects if one could not start. */
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
    const worker = new Worker(config.workerUrl);
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const slot: Slot = {
      worker,
      exited,
      started: false,
      job: undefined,
      failure: undefined,
      deadline: undefined,
      retired: false,
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
    if (message.type === 'ready') {
      slot.started = true;
      if ([...slots].every((each) => each.started)) markReady();
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
    job?.reject(
      new RecognitionError('recognizer_unavailable', 'The recognizer stopped while labelling this image.', true, {
        cause,
      }),
    );
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
    job.reject(
      new RecognitionError(
        'recognition_timeout',
        `The local recognizer took longer than ${config.timeoutMs / 1000} s on this image.`,
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
    const request: DetectRequest = { type: 'detect', image, minScore: input.minScore };
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

function settle(job: Job, message: Exclude<DetectorWorkerMessage, { type: 'ready' }>): void {
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
      job.reject(
        new RecognitionError('recognition_failed', 'The local recognizer failed on this image.', true, {
          cause: new Error(message.reason),
        }),
      );
  }
}

function shuttingDown(): RecognitionError {
  return new RecognitionError('recognizer_unavailable', 'The local recognizer is shutting down.', true);
}
