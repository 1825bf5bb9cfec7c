// @ts-check
/**
 * A stand-in for detectorWorker.mjs in pool tests: it speaks the same protocol, and the "image" bytes are a script
 * telling it how to answer: `ok`, `slow:<ms>`, `undecodable`, `fail`, `crash`, or `hang` (spin for ever, blocking the
 * thread the way a wedged inference does, so only terminate() can end it). `fail`, `crash` and `hang` act in the
 * first requested detector, or in the one named after `@` (`crash@text`); `fail` is the detector throwing.
 *
 * @typedef {import('../../detectorWorker/protocol.js').DetectRequest} DetectRequest
 * @typedef {import('../../detectorWorker/protocol.js').DetectedMessage} DetectedMessage
 * @typedef {import('../../detectorWorker/protocol.js').DetectorWorkerMessage} DetectorWorkerMessage
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';

if (!parentPort) throw new Error('must run as a worker thread');
const port = parentPort;

port.on('message', async (/** @type {DetectRequest} */ { image, features }) => {
  const [instruction = '', where] = new TextDecoder().decode(image).split('@');
  const [command, argument] = instruction.split(':');
  if (command === 'undecodable') {
    post({ type: 'undecodable', reason: 'VipsJpeg: premature end of JPEG image' });
    return;
  }
  if (command === 'slow') await sleep(Number(argument));
  /** @type {DetectedMessage} */
  const detected = { type: 'detected' };
  for (const feature of features) {
    post({ type: 'running', feature });
    if (feature === (where ?? features[0])) {
      if (command === 'crash') process.exit(3);
      if (command === 'hang') for (;;);
      if (command === 'fail') {
        post({ type: 'failed', feature, reason: 'kernel exploded' });
        return;
      }
    }
    if (feature === 'labels') detected.labels = [{ className: 'dog', score: 0.5, box: [0, 0, 1, 1] }];
    if (feature === 'text') {
      detected.text = {
        lines: [{ text: 'STOP', confidence: 90, bbox: { x0: 0, y0: 0, x1: 50, y1: 20 } }],
        width: 100,
        height: 100,
      };
    }
    if (feature === 'faces') detected.faces = [{ score: 0.9, box: [0.1, 0.1, 0.2, 0.2], emotions: [] }];
  }
  post(detected);
});
post({ type: 'ready', loadMs: 0 });

/** @param {DetectorWorkerMessage} message */
function post(message) {
  port.postMessage(message);
}
