import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const FIXTURES_DIR = join(REPO_ROOT, 'fixtures/images');

/** Where requests go, and with which API key: a stack's dev tenant, or another tenant on the same stack. */
export interface ApiTarget {
  baseUrl: string;
  apiKey: string;
}

export interface RunningStack extends ApiTarget {
  pid: number;
  dataDir: string;
  /** Every JSON log line the stack printed so far. */
  logs: () => Record<string, unknown>[];
  /**
   * SIGTERM, and wait for the exit; resolves to how long it took in ms.
   * @throws when any API response of the stack's life did not match docs/openapi.json.
   */
  stop(): Promise<number>;
  /**
   * SIGKILL: the crash nothing can clean up after.
   * @throws when any API response of the stack's life did not match docs/openapi.json.
   */
  kill(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });

const exited = (child: ChildProcess) =>
  new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });

export interface ProxyChild {
  url: string;
  /** The violations the proxy reported so far. */
  violations: string[];
  /** Stops the proxy and resolves once every violation it found has been read. */
  close(): Promise<void>;
}

/**
 * Runs the validating proxy (validatingProxy.ts) in a process of its own in front of `upstreamPort`. Not in the
 * test's process: a suite that blocks its event loop (execFileSync of the README's curl commands) would block the
 * proxy too, and with it the very requests it waits for.
 */
export const spawnValidatingProxy = async (upstreamPort: number): Promise<ProxyChild> => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/test/validatingProxy.ts', String(upstreamPort)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const violations: string[] = [];
  const closed = new Promise<void>((resolveClose) => child.once('close', () => resolveClose()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let pending = '';
    child.once('exit', (code) => reject(new Error(`the validating proxy exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        const message = JSON.parse(line) as { url?: string; violation?: string };
        if (message.url !== undefined) resolveUrl(message.url);
        if (message.violation !== undefined) violations.push(message.violation);
      }
    });
  });
  return {
    url,
    violations,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
};

/** Stands in for the validating proxy when responses go unchecked: the server's own URL, and nothing recorded. */
const withoutProxy = (port: number): ProxyChild => ({
  url: `http://127.0.0.1:${port}`,
  violations: [],
  close: async () => undefined,
});

/**
 * Starts the real local stack (`npm start`'s entry point) in a child process on a free loopback port with its own
 * data dir, and waits until /health says the model is loaded. Its API is reached through a validating proxy
 * (local/test/validatingProxy.ts), whose URL is the stack's `baseUrl` and public URL: every response a suite receives is
 * checked against docs/openapi.json, and `stop()` or `kill()` fails the suite if one did not match. The bench passes
 * `validateResponses: false`: it measures the server, not the proxy.
 */
export const startStack = async (
  options: { env?: Record<string, string>; dataDir?: string; validateResponses?: boolean } = {},
): Promise<RunningStack> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'imgrec-e2e-'));
  const port = await freePort();
  const proxy = options.validateResponses === false ? withoutProxy(port) : await spawnValidatingProxy(port);
  const baseUrl = proxy.url;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    IMGREC_DATA_DIR: dataDir,
    IMGREC_PUBLIC_URL: baseUrl,
    IMGREC_RECOGNIZER_WORKERS: '1',
    ...options.env,
  };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/src/main.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  // Powertools writes info and debug lines to stdout, warnings and errors to stderr: both are the stack's log.
  const collect = (stream: NodeJS.ReadableStream | null, keepText: (text: string) => void) => {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        keepText(line);
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          lines.push({ raw: line });
        }
      }
    });
  };
  collect(child.stdout, () => undefined);
  collect(child.stderr, (line) => (stderr += `${line}\n`));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await proxy.close();
      throw new Error(`stack exited with ${child.exitCode}: ${stderr}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await proxy.close();
      throw new Error(`stack not healthy in time: ${stderr}`);
    }
    // Straight to the server: before it listens, the proxy could only answer with an error of its own.
    const healthy = await fetch(`http://127.0.0.1:${port}/health`)
      .then((response) => response.status === 200)
      .catch(() => false);
    if (healthy) break;
    await new Promise((wait) => setTimeout(wait, 200));
  }

  return {
    baseUrl,
    // The first start created the dev tenant and kept its key here, as the README's walkthrough reads it.
    apiKey: readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim(),
    pid: child.pid ?? 0,
    dataDir,
    logs: () => [...lines],
    stop: async () => {
      const started = Date.now();
      child.kill('SIGTERM');
      await exited(child);
      const took = Date.now() - started;
      await proxy.close();
      throwOnViolations(proxy.violations);
      return took;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
      await proxy.close();
      throwOnViolations(proxy.violations);
    },
  };
};

const throwOnViolations = (violations: readonly string[]) => {
  if (violations.length > 0) {
    throw new Error(
      `${violations.length} API response(s) did not match docs/openapi.json:\n${violations.join('\n')}\n` +
        'Fix the response, or the schemas in shared/src/openapi and regenerate docs/openapi.json.',
    );
  }
};

export const contentTypeOf = (fixture: string) => (extname(fixture) === '.png' ? 'image/png' : 'image/jpeg');

export interface CreatedBlob {
  blob_id: string;
  upload_url: string;
  upload_headers: Record<string, string>;
  status_url: string;
}

/** The Authorization header of a target's API key. */
export const authorizationOf = (target: ApiTarget) => ({ authorization: `Bearer ${target.apiKey}` });

export const createBlob = async (target: ApiTarget, body: Record<string, unknown> = {}): Promise<CreatedBlob> => {
  const response = await fetch(`${target.baseUrl}/blobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorizationOf(target) },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST /blobs answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as CreatedBlob;
};

export const putBytes = async (blob: CreatedBlob, bytes: Uint8Array): Promise<Response> =>
  fetch(blob.upload_url, { method: 'PUT', headers: blob.upload_headers, body: bytes });

/** POST /blobs for a fixture photo, then PUT its bytes; returns the blob id. */
export const uploadImage = async (
  target: ApiTarget,
  fixture: string,
  body: Record<string, unknown> = {},
): Promise<string> => {
  const blob = await createBlob(target, { content_type: contentTypeOf(fixture), ...body });
  const response = await putBytes(blob, readFileSync(join(FIXTURES_DIR, fixture)));
  if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  return blob.blob_id;
};

export type BlobBody = Record<string, unknown> & { status: string };

export const getBlob = async (target: ApiTarget, blobId: string): Promise<BlobBody> => {
  const response = await fetch(`${target.baseUrl}/blobs/${blobId}`, { headers: authorizationOf(target) });
  if (response.status !== 200) throw new Error(`GET answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as BlobBody;
};

/** Polls GET /blobs/{id} until `predicate` holds (default: a final status) or the timeout passes. */
export const waitForBlob = async (
  target: ApiTarget,
  blobId: string,
  predicate: (blob: BlobBody) => boolean = (blob) => blob.status === 'succeeded' || blob.status === 'failed',
  timeoutMs = 60_000,
): Promise<BlobBody> => {
  const deadline = Date.now() + timeoutMs;
  let last: BlobBody | undefined;
  while (Date.now() < deadline) {
    last = await getBlob(target, blobId).catch(() => undefined);
    if (last && predicate(last)) return last;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`blob ${blobId} did not reach the expected state; last seen ${JSON.stringify(last)}`);
};

/** `npm run admin -- … --json` against a stack's data dir, as an operator runs it while the server is up. */
/** What a command that ran to its end printed, and how it exited. */
export interface FinishedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command from the repository root to its end, without the test runner's NODE_OPTIONS. A non-zero exit is a
 * result, as a user would see it, not an error.
 * @throws the spawn error when the command cannot start at all.
 */
export const runToExit = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<FinishedRun> => {
  const childEnv: NodeJS.ProcessEnv = { ...env };
  delete childEnv.NODE_OPTIONS;
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { cwd: REPO_ROOT, env: childEnv, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolveRun({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
};

export const admin = async (dataDir: string, ...args: string[]): Promise<Record<string, unknown>> => {
  const env: NodeJS.ProcessEnv = { ...process.env, IMGREC_DATA_DIR: dataDir };
  delete env.NODE_OPTIONS;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'local/src/admin/main.ts', ...args, '--json'],
    { cwd: REPO_ROOT, env },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
};
