import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { renderTextImage } from '../testing/textImage.js';
import type { DetectedMessage, DetectorWorkerMessage } from './protocol.js';

const run = promisify(execFile);
const workerUrl = new URL('./detectorWorker.mjs', import.meta.url);
const astronaut = new URL('../../../../../fixtures/images/astronaut.png', import.meta.url);

/**
 * Starts the detector worker in a fresh node process and runs one image through every detector. The image travels
 * as base64 on stdin, the worker's URL in DETECTOR_WORKER_URL; the worker's answers come back as JSON lines on stdout.
 */
const CHILD = `
import { Worker } from 'node:worker_threads';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const images = JSON.parse(Buffer.concat(chunks).toString()).map((base64) => Buffer.from(base64, 'base64'));
// Not this process's --input-type, which a worker started from a file refuses.
const worker = new Worker(new URL(process.env.DETECTOR_WORKER_URL), { execArgv: [] });
worker.on('error', (error) => { console.error(error); process.exit(1); });
const next = () => new Promise((resolve) => worker.once('message', resolve));
let message = await next();
for (const image of images) {
  worker.postMessage({ type: 'detect', image, features: ['labels', 'text', 'faces'], minScore: 0.3 });
  do message = await next(); while (message.type === 'running');
  console.log(JSON.stringify(message));
}
await worker.terminate();
`;

describe('detectorWorker', () => {
  it('loads every model and reads text and faces with no network at all', async () => {
    // A network namespace of its own, with only a loopback that is down: any download or connection attempt fails.
    await run('unshare', ['-rn', 'true']).catch((error: unknown) => {
      throw new Error(`this test needs \`unshare -rn\` (user and network namespaces): ${String(error)}`);
    });
    const images = [
      await renderTextImage([{ text: 'Offline reading works', font: 'DejaVu Sans', size: 40 }]),
      await readFile(astronaut),
    ];
    const child = run('unshare', ['-rn', process.execPath, '--input-type=module', '-e', CHILD], {
      env: { PATH: process.env.PATH, DETECTOR_WORKER_URL: workerUrl.href },
      maxBuffer: 16 * 1024 * 1024,
    });
    child.child.stdin?.end(JSON.stringify(images.map((image) => image.toString('base64'))));
    const { stdout } = await child;
    const [text, photo] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DetectorWorkerMessage);
    expect(text).toMatchObject({ type: 'detected', labels: [], faces: [] });
    expect((text as DetectedMessage).text?.lines.map((line) => line.text.trim())).toContain('Offline reading works');
    expect(photo).toMatchObject({ type: 'detected' });
    expect((photo as DetectedMessage).labels?.map((label) => label.className)).toContain('person');
    expect((photo as DetectedMessage).faces).toHaveLength(1);
  });
});
