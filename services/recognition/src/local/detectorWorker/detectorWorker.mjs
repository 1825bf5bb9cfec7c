// @ts-check
/**
 * Worker-thread entry of the local recognizer: loads human's CenterNet COCO-80 object detector and its BlazeFace face
 * detector (with the face mesh that confirms each face, and the emotion model) on the tfjs WASM backend, then
 * decodes an image per request and runs the detectors it asks for (see ./protocol.ts): objects, faces, and text
 * through tesseract.js (see ./textReader.mjs).
 *
 * This file is plain JavaScript on purpose. A worker thread does not inherit the parent's TypeScript loader: on
 * Node 20, tsx's `--import` hook is not applied to a worker's entry even when passed in `execArgv`, and jest's
 * transform never sees worker threads. Plain ESM that imports only packages runs the same under tsx, jest and node.
 *
 * @typedef {import('@imgrec/shared').Feature} Feature
 * @typedef {import('./protocol.js').DetectRequest} DetectRequest
 * @typedef {import('./protocol.js').DetectorWorkerMessage} DetectorWorkerMessage
 * @typedef {import('./protocol.js').DetectedMessage} DetectedMessage
 * @typedef {import('./protocol.js').RawDetection} RawDetection
 * @typedef {import('./protocol.js').RawFace} RawFace
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { createTextReader } from './textReader.mjs';

// centernet.json declares a 1×512×512×3 input and human stretches any input to it; letting sharp do the stretch
// bounds memory for 10,000 px uploads and antialiases better than tfjs's bilinear resize.
const MODEL_INPUT_SIDE = 512;
// BlazeFace looks at 256×256; a larger input only costs decoding time, and keeping the aspect ratio keeps faces round.
const FACES_INPUT_MAX_SIDE = 1024;
// Large enough for text a few pixels high in a photo, small enough that one image takes tesseract seconds, not
// minutes.
const TEXT_INPUT_MAX_SIDE = 2048;
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
  face: {
    // Loaded on the first image that asks for faces (see detectFaces), so that they never delay readiness.
    enabled: false,
    // BlazeFace alone takes cats, horses and dogs for faces (0.6–0.8 on our fixtures); the face mesh confirms each
    // candidate and drops those it cannot fit, and at 0.5 the detector's own score drops the rest we have seen.
    detector: {
      modelPath: 'blazeface.json',
      rotation: false,
      maxDetected: 100,
      minConfidence: 0.5,
      skipFrames: 0,
      skipTime: 0,
      return: false,
    },
    mesh: { enabled: true, modelPath: 'facemesh.json', keepInvalid: false },
    // Costs a few ms per face and reads smiles right; reported as `emotions`.
    emotion: { enabled: true, modelPath: 'emotion.json', minConfidence: 0, skipFrames: 0, skipTime: 0 },
    // faceres (age, gender) would treble the cost of a face and gave the same age, about 29, to every face we tried.
    description: { enabled: false },
    iris: { enabled: false },
    attention: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
  object: { enabled: true, modelPath: 'centernet.json', maxDetected: 100, skipFrames: 0, skipTime: 0 },
});
await human.load();
// human logs a model that fails to load and carries on without it; a detector without its model must not start.
assertLoaded(['centernet']);
const loadMs = performance.now() - loadStarted;

const textReader = createTextReader();

// Ready once the model is loaded: the pool may send work now. The first inference, which compiles the WASM kernels,
// runs before this worker reads any job, so a job sent meanwhile waits in the port's queue (at most the warm-up)
// rather than the whole start waiting for it.
post({ type: 'ready', loadMs });
const blank = human.tf.zeros([1, MODEL_INPUT_SIDE, MODEL_INPUT_SIDE, 3]);
await human.detect(blank);
human.tf.dispose(blank);

port.on('message', (/** @type {DetectRequest} */ request) => {
  void detect(request).then(post);
});

/**
 * Decodes the image once per requested detector, at the size that detector wants, before running any of them: an
 * image that cannot be decoded is a verdict on the bytes, whichever detectors were asked for.
 * @param {DetectRequest} request
 * @returns {Promise<DetectorWorkerMessage>}
 */
async function detect({ image, features, minScore }) {
  let inputs;
  try {
    inputs = await decodeFor(image, features);
  } catch (error) {
    return { type: 'undecodable', reason: describe(error) };
  }
  /** @type {DetectedMessage} */
  const detected = { type: 'detected' };
  for (const feature of features) {
    post({ type: 'running', feature });
    try {
      if (feature === 'labels' && inputs.labels) detected.labels = await detectObjects(inputs.labels, minScore);
      if (feature === 'faces' && inputs.faces) detected.faces = await detectFaces(inputs.faces);
      if (feature === 'text' && inputs.text) detected.text = await textReader.read(inputs.text);
    } catch (error) {
      return { type: 'failed', feature, reason: describe(error) };
    }
  }
  return detected;
}

/**
 * Each requested detector's input, from one sharp pipeline: EXIF rotation applied (so boxes match the image as
 * shown), grayscale and CMYK converted to sRGB, alpha dropped. sharp throws on a corrupt or truncated file, and on one
 * over MAX_INPUT_PIXELS.
 * @param {Uint8Array} image
 * @param {readonly Feature[]} features
 */
async function decodeFor(image, features) {
  const oriented = sharp(image, { limitInputPixels: MAX_INPUT_PIXELS }).rotate().toColourspace('srgb').removeAlpha();
  const [labels, faces, text] = await Promise.all([
    features.includes('labels')
      ? rgb(oriented.clone().resize(MODEL_INPUT_SIDE, MODEL_INPUT_SIDE, { fit: 'fill' }))
      : undefined,
    features.includes('faces')
      ? rgb(
          oriented
            .clone()
            .resize(FACES_INPUT_MAX_SIDE, FACES_INPUT_MAX_SIDE, { fit: 'inside', withoutEnlargement: true }),
        )
      : undefined,
    features.includes('text')
      ? oriented
          .clone()
          .resize(TEXT_INPUT_MAX_SIDE, TEXT_INPUT_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
          // Lossless and barely compressed: tesseract decodes it again at once.
          .png({ compressionLevel: 1 })
          .toBuffer({ resolveWithObject: true })
          .then(({ data, info }) => ({ png: data, width: info.width, height: info.height }))
      : undefined,
  ]);
  return { labels, faces, text };
}

/**
 * 8-bit RGB pixels and their size.
 * @param {import('sharp').Sharp} pipeline
 */
async function rgb(pipeline) {
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
  return {
    pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

/**
 * @param {{ pixels: Uint8Array, width: number, height: number }} input
 * @param {number} minScore
 * @returns {Promise<RawDetection[]>}
 */
async function detectObjects({ pixels, width, height }, minScore) {
  const result = await humanDetect(pixels, width, height, { object: { enabled: true, minConfidence: minScore } });
  // human's labels are the COCO class names the taxonomy knows.
  return result.object.map(({ label, score, boxRaw }) => ({
    className: /** @type {RawDetection['className']} */ (label),
    score,
    box: [...boxRaw],
  }));
}

/**
 * @param {{ pixels: Uint8Array, width: number, height: number }} input
 * @returns {Promise<RawFace[]>}
 */
async function detectFaces({ pixels, width, height }) {
  // human loads the models of whatever a call enables, so the first call with faces on loads the face models.
  const result = await humanDetect(pixels, width, height, { face: { enabled: true } });
  assertLoaded(['blazeface', 'facemesh', 'emotion']);
  return result.face.map(({ boxScore, boxRaw, emotion }) => ({
    score: boxScore,
    box: [...boxRaw],
    emotions: (emotion ?? []).map(({ emotion: name, score }) => ({ emotion: name, score })),
  }));
}

/**
 * Runs human with only the given detector on. human merges each call's settings into its own, so every call names
 * both detectors.
 * @param {Uint8Array} pixels
 * @param {number} width
 * @param {number} height
 * @param {{ object?: Record<string, unknown>, face?: Record<string, unknown> }} enable
 */
async function humanDetect(pixels, width, height, enable) {
  const input = human.tf.tensor4d(pixels, [1, height, width, 3], 'int32');
  try {
    const result = await human.detect(input, {
      object: { enabled: false, ...enable.object },
      face: { enabled: false, ...enable.face },
    });
    // human reports some failures in the result instead of throwing.
    if (result.error) throw new Error(result.error);
    return result;
  } finally {
    human.tf.dispose(input);
  }
}

/**
 * Throws unless human holds every one of `models` with its weights.
 * @param {string[]} models
 */
function assertLoaded(models) {
  const loaded = new Set(human.models.list().flatMap(({ name, size }) => (size > 0 ? [name] : [])));
  for (const model of models) if (!loaded.has(model)) throw new Error(`the ${model} model did not load`);
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
