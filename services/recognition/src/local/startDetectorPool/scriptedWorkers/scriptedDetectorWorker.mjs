// @ts-check
/**
 * A stand-in for detectorWorker.mjs in pool tests: it speaks the same protocol, and the "image" bytes are a script
 * telling it how to answer: `ok`, `slow:<ms>`, `undecodable`, `fail`, `crash`, or `hang` (spin for ever, blocking the
 * thread the way a wedged inference does, so only terminate() can end it).
 *
 * @typedef {import('../../detectorWorker/protocol.js').DetectRequest} DetectRequest
 * @typedef {import('../../detectorWorker/protocol.js').DetectorWorkerMessage} DetectorWorkerMessage
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';

if (!parentPort) throw new Error('must run as a worker thread');
const port = parentPort;

port.on('message', async (/** @type {DetectRequest} */ { image }) => {
  const [command, argument] = new TextDecoder().decode(image).split(':');
  if (command === 'crash') process.exit(3);
  if (command === 'hang') for (;;);
  if (command === 'slow') await sleep(Number(argument));
  /** @type {DetectorWorkerMessage} */
  const reply =
    command === 'undecodable'
      ? { type: 'undecodable', reason: 'VipsJpeg: premature end of JPEG image' }
      : command === 'fail'
        ? { type: 'failed', reason: 'kernel exploded' }
        : {
            type: 'detected',
            detections: [{ className: 'dog', score: 0.5, box: [0, 0, 1, 1] }],
            decodeMs: 1,
            inferenceMs: 1,
          };
  port.postMessage(reply);
});
port.postMessage({ type: 'ready', loadMs: 0, warmupMs: 0 });
