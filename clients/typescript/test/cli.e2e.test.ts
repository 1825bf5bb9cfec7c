import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWebhookSigner, generateWebhookSecret } from '@imgrec/shared/webhooks';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FIXTURES_DIR,
  REPO_ROOT,
  freePort,
  runToExit,
  startStack,
  type RunningStack,
} from '../../../local/test/harness.js';

const CLI = fileURLToPath(new URL('../bin/imgrec.mjs', import.meta.url));

/**
 * Root reads any folder. Without the two capabilities that let it, root meets file permissions as their owner does,
 * while it still reads the repository wherever it was cloned (another uid might not).
 */
const AS_ROOT_WITHOUT_OVERRIDES = ['--bounding-set=-dac_override,-dac_read_search', '--'];

/**
 * Runs `imgrec …` as a user does, in a child process, and collects what it printed. `bindPermissions` makes file
 * permissions bind even when the tests run as root.
 */
const imgrec = (args: string[], options: { env?: Record<string, string>; bindPermissions?: boolean } = {}) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.IMGREC_API_KEY;
  return options.bindPermissions && process.getuid?.() === 0
    ? runToExit('setpriv', [...AS_ROOT_WITHOUT_OVERRIDES, process.execPath, CLI, ...args], env)
    : runToExit(process.execPath, [CLI, ...args], env);
};

const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const NO_STACK = /^\s+at /m;

describe('the imgrec CLI against the local stack', () => {
  let stack: RunningStack;
  let receiverPort: number;
  let folder: string;
  let target: Record<string, string>;

  beforeAll(async () => {
    receiverPort = await freePort();
    stack = await startStack({ env: { IMGREC_CALLBACK_ALLOW_HOSTS: `127.0.0.1:${receiverPort}` } });
    // The dev key is found in the data dir, as `npm start` leaves it, because the API is on a loopback address.
    target = { IMGREC_API_URL: stack.baseUrl, IMGREC_DATA_DIR: stack.dataDir };
    folder = mkdtempSync(join(tmpdir(), 'imgrec-cli-'));
    mkdirSync(join(folder, 'photos', 'more'), { recursive: true });
    copyFileSync(join(FIXTURES_DIR, 'dog.jpg'), join(folder, 'photos', 'dog.jpg'));
    copyFileSync(join(FIXTURES_DIR, 'horses.jpg'), join(folder, 'photos', 'more', 'horses.JPEG'));
    copyFileSync(join(FIXTURES_DIR, 'coffee.png'), join(folder, 'photos', 'COFFEE.PNG'));
    writeFileSync(join(folder, 'photos', 'notes.txt'), 'not walked: not an image name');
    writeFileSync(join(folder, 'notes.jpg'), 'a text file with an image name');
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const photos = () => join(folder, 'photos');

  it('labels a folder: the images in it, as a table on stdout, a line per file and a summary on stderr', async () => {
    const run = await imgrec(['label', photos()], { env: target });
    expect(run.code).toBe(0);
    const table = lines(run.stdout);
    expect(table[0]).toMatch(/^FILE\s+STATUS\s+RESULT$/);
    expect(table.slice(1).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      [join(photos(), 'COFFEE.PNG'), 'succeeded'],
      [join(photos(), 'dog.jpg'), 'succeeded'],
      [join(photos(), 'more', 'horses.JPEG'), 'succeeded'],
    ]);
    expect(table[2]).toMatch(/\bdog \d+/);
    expect(table[3]).toMatch(/\bhorse \d+/);
    const progress = lines(run.stderr);
    expect(progress.filter((line) => /^\[\d\/3\] /.test(line))).toHaveLength(3);
    expect(progress.at(-1)).toMatch(/^imgrec: labelled 3 of 3 images in [\d.]+ s \([\d.]+ images\/s\)$/);
  });

  it('prints JSON lines with --json and CSV with --csv, and applies --min-confidence', async () => {
    const json = await imgrec(['label', photos(), '--json', '--min-confidence', '40'], { env: target });
    expect(json.code).toBe(0);
    const results = lines(json.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((result) => result.file).sort()).toEqual(
      ['COFFEE.PNG', 'dog.jpg', 'more/horses.JPEG'].map((name) => join(photos(), name)),
    );
    for (const result of results) {
      expect(result).toMatchObject({ status: 'succeeded', blob_id: expect.any(String), labels: expect.any(Array) });
      expect(result.options).toMatchObject({ min_confidence: 40 });
    }

    const csv = await imgrec(['label', join(photos(), 'dog.jpg'), '--csv'], { env: target });
    expect(csv.code).toBe(0);
    const [header, row] = lines(csv.stdout);
    expect(header).toBe('file,blob_id,status,labels,text,faces,error_code,error_message');
    expect(row).toMatch(new RegExp(`^${join(photos(), 'dog.jpg')},[\\w-]+,succeeded,[^,]*dog:\\d`));
  });

  it('gets, lists and deletes a blob', async () => {
    const labelled = await imgrec(['label', join(photos(), 'dog.jpg'), '--json'], { env: target });
    const { blob_id: blobId } = JSON.parse(labelled.stdout) as { blob_id: string };

    const got = await imgrec(['get', blobId], { env: target });
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ blob_id: blobId, status: 'succeeded' });

    const listed = await imgrec(['list', '--status', 'succeeded', '--limit', '3', '--json'], { env: target });
    expect(listed.code).toBe(0);
    const blobs = lines(listed.stdout).map((line) => JSON.parse(line) as { blob_id: string; status: string });
    expect(blobs).toHaveLength(3);
    expect(blobs[0]?.blob_id).toBe(blobId);
    expect(blobs.every((blob) => blob.status === 'succeeded')).toBe(true);
    const table = await imgrec(['list', '--limit', '2'], { env: target });
    expect(lines(table.stdout)[0]).toMatch(/^BLOB_ID\s+STATUS\s+CREATED\s+LABELS$/);
    expect(lines(table.stdout)[1]).toContain(blobId);

    const deleted = await imgrec(['delete', blobId], { env: target });
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${blobId}\n` });
    const gone = await imgrec(['get', blobId], { env: target });
    expect(gone.code).toBe(1);
    expect(lines(gone.stderr)).toEqual([expect.stringMatching(new RegExp(`^imgrec: ${blobId}: blob_not_found: `))]);
  });

  it('names a missing file and a non-image in one line each, labels the rest, and exits 1', async () => {
    const missing = join(folder, 'missing.jpg');
    const notImage = join(folder, 'notes.jpg');
    const run = await imgrec(['label', missing, notImage, join(photos(), 'dog.jpg')], { env: target });
    expect(run.code).toBe(1);
    const stderr = lines(run.stderr);
    expect(stderr.filter((line) => line.startsWith('imgrec: '))).toEqual([
      `imgrec: ${missing}: no such file or directory`,
      `imgrec: ${notImage}: not_an_image: not a JPEG or PNG image`,
      expect.stringMatching(/^imgrec: labelled 1 of 2 images in .*; 2 failed$/),
    ]);
    expect(run.stderr).not.toMatch(NO_STACK);
    expect(run.stdout).toMatch(/dog\.jpg\s+succeeded/);
  });

  it('names a failed recognition (a corrupt JPEG) with its code', async () => {
    const run = await imgrec(['label', join(FIXTURES_DIR, 'truncated.jpg')], { env: target });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toContain(
      `imgrec: ${join(FIXTURES_DIR, 'truncated.jpg')}: unsupported_image_format: The image could not be decoded as a JPEG or PNG.`,
    );
  });

  it('names a folder it cannot read', async () => {
    const locked = join(folder, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    const run = await imgrec(['label', locked, '--key', stack.apiKey], { env: target, bindPermissions: true });
    chmodSync(locked, 0o755);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`imgrec: ${locked}: cannot read folder: permission denied\n`);
  });

  it('says once that the key was refused, and stops', async () => {
    const run = await imgrec(['label', photos(), '--key', `imgrec_sk_${'x'.repeat(43)}`], { env: target });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `imgrec: ${stack.baseUrl} refused the API key from --key: invalid_api_key: The API key is not valid. Check it, or ask for a new one.\n`,
    );
  });

  it('says once that the API cannot be reached, and shows a stack trace only with --debug', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await imgrec(['label', photos(), '--api', closed, '--key', 'imgrec_sk_any'], { env: target });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`imgrec: cannot reach ${closed}: connection refused\n`);

    const debug = await imgrec(['get', 'b1', '--api', closed, '--key', 'imgrec_sk_any', '--debug']);
    expect(debug.code).toBe(1);
    expect(lines(debug.stderr)[0]).toBe(`imgrec: b1: cannot reach ${closed}: connection refused`);
    expect(debug.stderr).toMatch(NO_STACK);
  });

  it('refuses a bad command line with usage help and exit code 2', async () => {
    const run = await imgrec(['label', photos(), '--concurrency', 'many']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'imgrec: --concurrency must be a whole number from 1 to 64, got "many"\nRun "imgrec --help" for usage.\n',
    });
  });

  it('smoke-tests the stack: health, upload, labels, a verified webhook round-trip and delete', async () => {
    const receiver = `http://127.0.0.1:${receiverPort}/`;
    const run = await imgrec(['smoke', '--receiver', receiver, '--port', String(receiverPort)], { env: target });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const steps = lines(run.stdout);
    expect(steps.map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      '✓ health',
      '✓ receiver',
      '✓ upload',
      '✓ recognize',
      '✓ labels',
      '✓ webhook',
      '✓ delete',
    ]);
    expect(steps[4]).toContain('dog');
    expect(steps[5]).toContain('signature verified');
  });

  it('fails the smoke test at the first failing step, with ✗ and the reason', async () => {
    const run = await imgrec(['smoke', '--key', `imgrec_sk_${'y'.repeat(43)}`], { env: target });
    expect(run.code).toBe(1);
    const steps = lines(run.stdout);
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatch(/^✓ health/);
    expect(steps[1]).toMatch(/^✗ upload\s+\d+ ms {2}.* refused the API key from --key: invalid_api_key: /);
  });

  it('listens for webhooks, prints each with its signature check, and stops on SIGINT', async () => {
    const secret = generateWebhookSecret();
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [CLI, 'webhooks', 'listen', '--port', '0', '--secret', secret], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise((wait) => setTimeout(wait, 20));
    };
    await until(() => stdout.includes('Verifying signatures'));
    const url = /Listening for imgrec callbacks on (\S+)/.exec(stdout)?.[1] ?? '';
    expect(stdout).toContain('Verifying signatures with --secret.');

    const body = JSON.stringify({ type: 'blob.labels_detected', timestamp: new Date().toISOString(), data: {} });
    const headers = createWebhookSigner(secret)({ id: 'msg_cli', timestamp: new Date(), body });
    const response = await fetch(`${url}hook`, { method: 'POST', headers, body });
    expect(response.status).toBe(204);
    await until(() => stdout.includes('signature verified'));
    expect(stdout).toContain('POST /hook → 204');
    expect(stdout).toContain('webhook-id: msg_cli');

    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
