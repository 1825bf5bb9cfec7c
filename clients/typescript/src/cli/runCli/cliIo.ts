import type { ProgressStream } from '../progressReporter/progressReporter.js';

/** What the CLI reads and writes, passed in so tests can run it in-process. */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Resolves when the user asks a long-running command (webhooks listen) to stop: SIGINT or SIGTERM. */
  stopRequested: () => Promise<void>;
}
