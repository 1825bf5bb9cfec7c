// @ts-check
/**
 * Worker-thread entry of the local recognizer: loads human's CenterNet COCO-80 detector on the tfjs WASM backend,
 * then decodes and labels one image per request (see ./protocol.ts).
 *
 * This file is plain JavaScript on purpose. A worker thread does not inherit the parent's TypeScript loader: on
 * Node 20, tsx's `--import` hook is not applied to a worker's entry even when passed in `execArgv`, and jest's
 * transform never sees worker threads. Plain ESM that imports only packages runs the same under tsx, jest and node.
 *
 * @typedef {import('./protocol.js').DetectRequest} DetectRequest
 * @typedef {import('./protocol.js').DetectorWorkerMessage} DetectorWorkerMessage
 * @typedef {import('./protocol.js').RawDetection} RawDetection
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';

// centernet.json declares a 1×512×512×3 input and human stretches any input to it; letting sharp do the stretch
// bounds memory for 10,000 px uploads and antialiases better than tfjs's bilinear resize.
const MODEL_INPUT_SIDE = 512;
// The contract allows at most 10,000 px a side, and the service checks the header before an image gets here. sharp's
// own default (about 268 Mpx) is looser, so a header that lies or slips past that check could still make libvips
// decode a huge bitmap; this caps the decoder at the contract's largest image, whatever the header said.
const MAX_INPUT_PIXELS = 10_000 * 10_000;

if (!parentPort) throw new Error('detectorWorker.mjs must run as a worker thread');
const port = parentPort;

const require = createRequire(import.meta.url);
// human's "exports" map hides its dist/ files, but resolving the package itself lands in dist/.
const humanDist = path.dirname(require.resolve('@vladmandic/human'));
const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

restrictFetchToLocalFiles();

const loadStarted = performance.now();
/** @type {typeof import('@vladmandic/human')} */
const { Human } = require(path.join(humanDist, 'human.node-wasm.js'));
const human = new Human({
  backend: 'wasm',
  wasmPath: pathToFileURL(wasmDist + path.sep).href,
  modelBasePath: pathToFileURL(path.join(humanDist, '..', 'models') + path.sep).href,
  debug: false,
  // Otherwise human hands back the previous result when two inputs look alike.
  cacheSensitivity: 0,
  filter: { enabled: false },
  face: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
  object: { enabled: true, modelPath: 'centernet.json', maxDetected: 100, skipFrames: 0, skipTime: 0 },
});
await human.load();
// human logs a model that fails to load and carries on without it; a detector without its model must not start.
if (!human.models.list().some(({ name, size }) => name === 'centernet' && size > 0)) {
  throw new Error('the CenterNet model did not load');
}
const loadMs = performance.now() - loadStarted;

// The first inference compiles the WASM kernels; pay for it before reporting ready.
const warmupStarted = performance.now();
const blank = human.tf.zeros([1, MODEL_INPUT_SIDE, MODEL_INPUT_SIDE, 3]);
await human.detect(blank);
human.tf.dispose(blank);
const warmupMs = performance.now() - warmupStarted;

port.on('message', (/** @type {DetectRequest} */ request) => {
  void detect(request).then(post);
});
post({ type: 'ready', loadMs, warmupMs });

/**
 * @param {DetectRequest} request
 * @returns {Promise<DetectorWorkerMessage>}
 */
async function detect({ image, minScore }) {
  const decodeStarted = performance.now();
  let pixels;
  try {
    pixels = await decode(image);
  } catch (error) {
    return { type: 'undecodable', reason: describe(error) };
  }
  const inferenceStarted = performance.now();
  const input = human.tf.tensor4d(pixels, [1, MODEL_INPUT_SIDE, MODEL_INPUT_SIDE, 3], 'int32');
  try {
    const result = await human.detect(input, { object: { minConfidence: minScore } });
    // human reports some failures in the result instead of throwing.
    if (result.error) return { type: 'failed', reason: result.error };
    return {
      type: 'detected',
      detections: result.object.map(({ label, score, boxRaw }) => ({ className: label, score, box: [...boxRaw] })),
      decodeMs: inferenceStarted - decodeStarted,
      inferenceMs: performance.now() - inferenceStarted,
    };
  } catch (error) {
    return { type: 'failed', reason: describe(error) };
  } finally {
    human.tf.dispose(input);
  }
}

/**
 * Decodes to 8-bit sRGB RGB at the model's input size: EXIF rotation applied (so boxes match the image as shown),
 * grayscale and CMYK converted, alpha dropped. sharp throws on a corrupt or truncated file, and on one over
 * MAX_INPUT_PIXELS.
 * @param {Uint8Array} image
 */
async function decode(image) {
  const { data, info } = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .resize(MODEL_INPUT_SIDE, MODEL_INPUT_SIDE, { fit: 'fill' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * human loads models through the global fetch, and Node 20's fetch rejects file:// URLs. This worker serves
 * file:// from disk and refuses everything else, so no weights can ever be downloaded at run time.
 */
function restrictFetchToLocalFiles() {
  globalThis.fetch = async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'file:') throw new Error(`the detector worker loads nothing over the network (${url.href})`);
    return new Response(await readFile(url));
  };
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {DetectorWorkerMessage} message */
function post(message) {
  port.postMessage(message);
}
