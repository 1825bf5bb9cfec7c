import { describe, expect, it } from '@jest/globals';
import { ImageRejectedError, RecognitionError, type Feature } from '@imgrec/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDetectorPool, type DetectorInput, type DetectorPool } from './startDetectorPool.js';

const scriptedWorker = new URL('./scriptedWorkers/scriptedDetectorWorker.mjs', import.meta.url);
const unstartableWorker = new URL('./scriptedWorkers/unstartableDetectorWorker.mjs', import.meta.url);
const halfStartingWorker = new URL('./scriptedWorkers/halfStartingDetectorWorker.mjs', import.meta.url);

/** A job whose "image" is the scripted worker's instruction. */
const script =
  (instruction: string, features: readonly Feature[] = ['labels']) =>
  async (): Promise<DetectorInput> => ({
    image: new TextEncoder().encode(instruction),
    features,
    minScore: 0.3,
  });

/** Far beyond any scripted job, so only the deadline tests ever meet it. */
const NO_DEADLINE_MS = 60_000;

async function withPool(
  workers: number,
  workerUrl: URL,
  test: (pool: DetectorPool) => Promise<void>,
  timeoutMs = NO_DEADLINE_MS,
): Promise<void> {
  const pool = startDetectorPool({ workers, workerUrl, timeoutMs });
  try {
    await test(pool);
  } finally {
    await pool.close();
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<RecognitionError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof RecognitionError)) throw new Error(`expected a RecognitionError, got ${String(error)}`);
  return error;
}

describe('startDetectorPool', () => {
  it('runs no more jobs at once than it has workers, and reads an image only once a worker is free', async () => {
    await withPool(2, scriptedWorker, async (pool) => {
      await pool.ready();
      let prepared = 0;
      const jobs = Array.from({ length: 5 }, () =>
        pool.detect(() => {
          prepared += 1;
          return script('slow:400')();
        }),
      );
      // Ready comes with the first worker; the second joins a moment later, long before the first job's 400 ms end.
      while (prepared < 2) await sleep(5);
      await sleep(100);
      expect(prepared).toBe(2);
      const results = await Promise.all(jobs);
      expect(results.map((result) => result.labels?.[0]?.className)).toEqual(Array(5).fill('dog'));
      expect(prepared).toBe(5);
    });
  });

  it('queues jobs submitted before the workers are ready', async () => {
    await withPool(1, scriptedWorker, async (pool) => {
      await expect(pool.detect(script('ok'))).resolves.toMatchObject({ type: 'detected' });
    });
  });

  it('turns an undecodable image into a final unsupported_image_format rejection', async () => {
    await withPool(1, scriptedWorker, async (pool) => {
      const error = await rejectionOf(pool.detect(script('undecodable')));
      expect(error).toBeInstanceOf(ImageRejectedError);
      expect(error).toMatchObject({ code: 'unsupported_image_format', retryable: false });
      await expect(pool.detect(script('ok'))).resolves.toMatchObject({ type: 'detected' });
    });
  });

  it('hands the worker the requested detectors, and passes on what each found', async () => {
    await withPool(1, scriptedWorker, async (pool) => {
      const detected = await pool.detect(script('ok', ['text', 'faces']));
      expect(Object.keys(detected).sort()).toEqual(['faces', 'text', 'type']);
      expect(detected.text?.lines[0]?.text).toBe('STOP');
    });
  });

  it.each([
    ['text', 'text_detection_failed'],
    ['faces', 'face_detection_failed'],
  ] as const)(
    'turns a %s detector that throws into a final %s rejection, and keeps the worker',
    async (feature, code) => {
      await withPool(1, scriptedWorker, async (pool) => {
        const error = await rejectionOf(pool.detect(script(`fail@${feature}`, ['labels', 'text', 'faces'])));
        expect(error).toMatchObject({ code, retryable: false });
        expect(error).not.toBeInstanceOf(ImageRejectedError);
        await expect(pool.detect(script('ok'))).resolves.toMatchObject({ type: 'detected' });
      });
    },
  );

  it.each([
    ['text', 'text_detection_failed'],
    ['faces', 'face_detection_failed'],
  ] as const)(
    'rejects the job of a worker that dies in the %s detector as retryable %s, and replaces the worker',
    async (feature, code) => {
      await withPool(1, scriptedWorker, async (pool) => {
        const crashed = pool.detect(script(`crash@${feature}`, ['labels', 'text', 'faces']));
        const next = pool.detect(script('ok', ['text']));
        expect(await rejectionOf(crashed)).toMatchObject({ code, retryable: true });
        await expect(next).resolves.toMatchObject({ type: 'detected' });
      });
    },
  );

  it('applies the deadline to the whole image, so a text detector that hangs after labels fails it in time', async () => {
    await withPool(
      1,
      scriptedWorker,
      async (pool) => {
        const error = await rejectionOf(pool.detect(script('hang@text', ['labels', 'text'])));
        expect(error).toMatchObject({ code: 'recognition_timeout', retryable: true });
        expect(error.message).toMatch(/reading text/);
        await expect(pool.detect(script('ok', ['text']))).resolves.toMatchObject({ type: 'detected' });
      },
      500,
    );
  });

  it('turns a failed inference into a retryable recognition_failed rejection', async () => {
    await withPool(1, scriptedWorker, async (pool) => {
      expect(await rejectionOf(pool.detect(script('fail')))).toMatchObject({
        code: 'recognition_failed',
        retryable: true,
      });
    });
  });

  it('rejects the job of a worker that dies as retryable, and replaces the worker', async () => {
    await withPool(1, scriptedWorker, async (pool) => {
      const crashed = pool.detect(script('crash'));
      const next = pool.detect(script('ok'));
      expect(await rejectionOf(crashed)).toMatchObject({ code: 'recognizer_unavailable', retryable: true });
      await expect(next).resolves.toMatchObject({ type: 'detected' });
    });
  });

  it('ends an image that overruns its deadline as retryable recognition_timeout, and replaces only its worker', async () => {
    const timeoutMs = 1000;
    await withPool(
      2,
      scriptedWorker,
      async (pool) => {
        await pool.ready();
        const startedAt = performance.now();
        const hung = rejectionOf(pool.detect(script('hang')));
        // Starts on the other worker while the first one is stuck, and is still running when the deadline passes.
        await sleep(500);
        const inFlight = pool.detect(script('slow:700'));
        const error = await hung;
        expect(error).toMatchObject({ code: 'recognition_timeout', retryable: true });
        expect(performance.now() - startedAt).toBeGreaterThanOrEqual(timeoutMs - 50);
        await expect(inFlight).resolves.toMatchObject({ type: 'detected' });

        // Still two workers: two slow jobs start together, and both are served.
        const preparedAt: number[] = [];
        const next = Array.from({ length: 2 }, () =>
          pool.detect(() => {
            preparedAt.push(performance.now());
            return script('slow:600')();
          }),
        );
        const results = await Promise.all(next);
        expect(results.map((result) => result.labels?.[0]?.className)).toEqual(['dog', 'dog']);
        const [first = 0, second = 0] = preparedAt;
        expect(second - first).toBeLessThan(300);
      },
      timeoutMs,
    );
  });

  it('closes even while a worker hangs, once its image overruns the deadline', async () => {
    const pool = startDetectorPool({ workers: 1, workerUrl: scriptedWorker, timeoutMs: 300 });
    await pool.ready();
    const hung = rejectionOf(pool.detect(script('hang')));
    await sleep(50);
    await pool.close();
    expect(await hung).toMatchObject({ code: 'recognition_timeout', retryable: true });
    expect(await rejectionOf(pool.detect(script('ok')))).toMatchObject({ code: 'recognizer_unavailable' });
  });

  it("leaves the caller's bytes intact, even when they are a Buffer", async () => {
    await withPool(1, scriptedWorker, async (pool) => {
      // Large enough to own its ArrayBuffer rather than sit in Node's shared pool, so it could be transferred away.
      const image = Buffer.alloc(64 * 1024, 'ok');
      await pool.detect(async () => ({ image, features: ['labels'], minScore: 0.3 }));
      expect(image.byteLength).toBe(64 * 1024);
    });
  });

  it('passes on what preparing a job throws, and keeps the worker for the next job', async () => {
    await withPool(1, scriptedWorker, async (pool) => {
      const missing = new Error('no such blob');
      await expect(pool.detect(() => Promise.reject(missing))).rejects.toBe(missing);
      await expect(pool.detect(script('ok'))).resolves.toMatchObject({ type: 'detected' });
    });
  });

  it('is ready, and labels, as soon as one worker is, while another is still loading', async () => {
    await withPool(2, halfStartingWorker, async (pool) => {
      await pool.ready();
      await expect(pool.detect(script('ok'))).resolves.toMatchObject({ type: 'detected' });
      await expect(pool.detect(script('ok'))).resolves.toMatchObject({ type: 'detected' });
    });
  });

  it('fails ready() and every job, retryably, when a worker cannot start', async () => {
    await withPool(2, unstartableWorker, async (pool) => {
      const queued = pool.detect(script('ok'));
      expect(await rejectionOf(pool.ready())).toMatchObject({ code: 'recognizer_unavailable', retryable: true });
      expect(await rejectionOf(queued)).toMatchObject({ code: 'recognizer_unavailable' });
      expect(await rejectionOf(pool.detect(script('ok')))).toMatchObject({ code: 'recognizer_unavailable' });
    });
  });

  it('on close, finishes the running job, rejects queued ones retryably and refuses new ones', async () => {
    const pool = startDetectorPool({ workers: 1, workerUrl: scriptedWorker, timeoutMs: NO_DEADLINE_MS });
    await pool.ready();
    const running = pool.detect(script('slow:100'));
    const queued = pool.detect(script('ok'));
    const queuedOutcome = rejectionOf(queued);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pool.close();
    await expect(running).resolves.toMatchObject({ type: 'detected' });
    expect(await queuedOutcome).toMatchObject({ code: 'recognizer_unavailable', retryable: true });
    expect(await rejectionOf(pool.detect(script('ok')))).toMatchObject({ code: 'recognizer_unavailable' });
  });
});
