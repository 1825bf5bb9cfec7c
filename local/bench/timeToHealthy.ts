import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, freePort } from '../test/harness.js';

const STARTS = 3;
const GIVE_UP_MS = 60_000;

/** Milliseconds from running `npm start` to its first `GET /health` answering 200, polled every 20 ms. */
const oneStart = async (dataDir: string): Promise<number> => {
  const port = await freePort();
  const started = performance.now();
  // The real command a user types, in a process group of its own so npm and the node it starts stop together.
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), IMGREC_DATA_DIR: dataDir, IMGREC_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    while (performance.now() - started < GIVE_UP_MS) {
      const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (healthy) return performance.now() - started;
      await new Promise((wait) => setTimeout(wait, 20));
    }
    throw new Error(`npm start was not healthy within ${GIVE_UP_MS} ms`);
  } finally {
    process.kill(-(child.pid ?? 0), 'SIGTERM');
    await once(child, 'exit');
  }
};

/**
 * Time to healthy as a user meets it: `npm start` three times on one data dir, the first on a fresh one (which also
 * creates the dev tenant), and their median.
 */
export const measureTimeToHealthy = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-bench-start-'));
  const starts: number[] = [];
  for (let index = 0; index < STARTS; index += 1) starts.push(await oneStart(dataDir));
  const median = [...starts].sort((a, b) => a - b)[Math.floor(STARTS / 2)] ?? NaN;
  return { starts, median };
};
