import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ImageRejectedError,
  faceSchema,
  textLineSchema,
  type Feature,
  type LabelDetail,
  type RecognitionOptions,
} from '@imgrec/shared';
import sharp from 'sharp';
import type { ImageRef } from '../../ports.js';
import { charactersRight, renderTextImage, type PrintedLine } from '../testing/textImage.js';
import { buildLocalRecognizer, type LocalRecognizer } from './buildLocalRecognizer.js';

// These tests run the real models (CenterNet, BlazeFace, tesseract) on real photos and generated text, on one worker
// loaded once for the whole file.
const fixturesDir = new URL('../../../../../fixtures/images/', import.meta.url);
const defaults: RecognitionOptions = { min_confidence: 30, max_labels: 20 };

/** Uploads made up by a test, by key; any other key is read from fixtures/images. */
const madeUp = new Map<string, Uint8Array>();
const loadImage = async ({ key }: ImageRef): Promise<Uint8Array> =>
  madeUp.get(key) ?? readFile(new URL(key, fixturesDir));

let recognizer: LocalRecognizer;

beforeAll(async () => {
  recognizer = buildLocalRecognizer({ workers: 1, loadImage });
  // jest does not print an error's cause, and only the cause tells why the worker could not start.
  await recognizer.ready().catch((error: unknown) => {
    throw new Error(`the detector did not start: ${String(error instanceof Error ? error.cause : error)}`);
  });
});

afterAll(async () => {
  await recognizer.close();
});

const names = (labels: LabelDetail[]) => labels.map((label) => label.name);

/** The labels found in a stored image, asking for labels only. */
async function labelsOf(image: ImageRef, options: RecognitionOptions = defaults): Promise<LabelDetail[]> {
  const { label_details: labels } = await recognizer.recognize(image, options);
  if (!labels) throw new Error('no label_details in the detections');
  return labels;
}

const withFeatures = (...features: Feature[]): RecognitionOptions => ({ ...defaults, features });

async function rejectionOf(image: ImageRef, options = defaults): Promise<ImageRejectedError> {
  const error = await recognizer.recognize(image, options).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ImageRejectedError)) throw new Error(`expected an ImageRejectedError, got ${String(error)}`);
  return error;
}

describe('buildLocalRecognizer', () => {
  it('refuses a worker count that is not a positive integer', () => {
    expect(() => buildLocalRecognizer({ workers: 0, loadImage })).toThrow(RangeError);
    expect(() => buildLocalRecognizer({ workers: 1.5, loadImage })).toThrow(RangeError);
  });

  it('describes its model', () => {
    expect(recognizer.model).toEqual({ provider: 'local', name: 'centernet-coco80', version: '3.3.6' });
  });

  it.each([
    ['dog.jpg', ['dog', 'bicycle']],
    ['horses.jpg', ['horse']],
    ['astronaut.png', ['person']],
    ['coffee.png', ['cup']],
  ])('finds the objects in %s at the default threshold', async (key, expected) => {
    const labels = await labelsOf({ key });
    expect(names(labels)).toEqual(expect.arrayContaining(expected));
  });

  it('reports labels best first with taxonomy parents, thresholded instances and boxes inside the image', async () => {
    const labels = await labelsOf({ key: 'dog.jpg' });
    const confidences = labels.map((label) => label.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(labels.find((label) => label.name === 'dog')?.parents).toEqual(['canine', 'pet', 'mammal', 'animal']);
    for (const label of labels) {
      expect(label.confidence).toBe(label.instances[0]?.confidence);
      for (const { confidence, bounding_box: box } of label.instances) {
        expect(confidence).toBeGreaterThanOrEqual(defaults.min_confidence);
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.top).toBeGreaterThanOrEqual(0);
        expect(box.left + box.width).toBeLessThanOrEqual(1);
        expect(box.top + box.height).toBeLessThanOrEqual(1);
      }
    }
  });

  it('bounds the labels by max_labels', async () => {
    const labels = await labelsOf({ key: 'dog.jpg' }, { min_confidence: 0, max_labels: 2 });
    expect(labels).toHaveLength(2);
  });

  it('applies EXIF orientation, so boxes match the image as displayed', async () => {
    const upright = await labelsOf({ key: 'dog.jpg' });
    // Stored on its side, with the EXIF tag that tells viewers to turn it upright.
    madeUp.set(
      'dog-on-its-side.jpg',
      await sharp(await readFile(new URL('dog.jpg', fixturesDir)))
        .rotate(-90)
        .withMetadata({ orientation: 6 })
        .jpeg({ quality: 95 })
        .toBuffer(),
    );
    const turned = await labelsOf({ key: 'dog-on-its-side.jpg' });
    const dogBox = (labels: LabelDetail[]) => labels.find((label) => label.name === 'dog')?.instances[0]?.bounding_box;
    const [expected, actual] = [dogBox(upright), dogBox(turned)];
    expect(expected).toBeDefined();
    for (const side of ['left', 'top', 'width', 'height'] as const) {
      expect(Math.abs((actual?.[side] ?? Infinity) - (expected?.[side] ?? 0))).toBeLessThan(0.03);
    }
  });

  it('decodes grayscale PNGs with an alpha channel', async () => {
    madeUp.set(
      'horses-gray-alpha.png',
      await sharp(await readFile(new URL('horses.jpg', fixturesDir)))
        .grayscale()
        .ensureAlpha(0.5)
        .png()
        .toBuffer(),
    );
    expect(names(await labelsOf({ key: 'horses-gray-alpha.png' }))).toContain('horse');
  });

  it('rejects a truncated JPEG as unsupported_image_format, for good', async () => {
    expect(await rejectionOf({ key: 'truncated.jpg' })).toMatchObject({
      code: 'unsupported_image_format',
      retryable: false,
    });
  });

  it('rejects bytes that are no image as unsupported_image_format', async () => {
    madeUp.set(
      'noise.bin',
      Uint8Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 251),
    );
    expect(await rejectionOf({ key: 'noise.bin' })).toMatchObject({ code: 'unsupported_image_format' });
  });

  it('refuses, without decoding, an image over 10,000 × 10,000 px, and keeps working', async () => {
    // A real JPEG whose frame header claims 10,001 × 10,000 px: the worker must refuse it from the header alone.
    const bytes = new Uint8Array(await readFile(new URL('dog.jpg', fixturesDir)));
    setJpegSize(bytes, 10_001, 10_000);
    madeUp.set('huge.jpg', bytes);
    const error = await rejectionOf({ key: 'huge.jpg' });
    expect(error).toMatchObject({ code: 'unsupported_image_format', retryable: false });
    expect(String(error.cause)).toMatch(/pixel limit/);
    expect(names(await labelsOf({ key: 'horses.jpg' }))).toContain('horse');
  });

  it('keeps working after rejecting an image', async () => {
    await rejectionOf({ key: 'truncated.jpg' });
    expect(names(await labelsOf({ key: 'horses.jpg' }))).toContain('horse');
  });
});

/** Generated text images: what is printed on each, line by line, top to bottom. */
const TEXT_IMAGES: Record<string, { lines: PrintedLine[]; background?: string; color?: string }> = {
  'notice.png': {
    lines: [
      { text: 'STOP', font: 'DejaVu Sans', size: 96, bold: true },
      { text: 'Fresh coffee 2.50', font: 'Liberation Serif', size: 40 },
      { text: 'The quick brown fox jumps over the lazy dog', font: 'DejaVu Sans', size: 28 },
      { text: 'Invoice #12345 due 2026-12-01', font: 'Liberation Mono', size: 22 },
      { text: 'Hello, World!', font: 'DejaVu Serif', size: 18 },
    ],
  },
  'sign.png': {
    lines: [
      { text: 'NO PARKING', font: 'Liberation Sans', size: 72, bold: true },
      { text: 'Tow away zone', font: 'Liberation Sans', size: 36 },
    ],
    background: '#b3202a',
    color: '#ffffff',
  },
  'small-print.png': {
    lines: [
      { text: 'Open daily from 9 am to 5 pm', font: 'DejaVu Sans Condensed', size: 16 },
      { text: 'Closed on public holidays', font: 'Liberation Serif', size: 14 },
    ],
  },
};

describe('buildLocalRecognizer, beyond labels', () => {
  beforeAll(async () => {
    for (const [key, { lines, ...colours }] of Object.entries(TEXT_IMAGES)) {
      madeUp.set(key, await renderTextImage(lines, colours));
    }
  });

  it('runs only the requested detectors, and reports a field for each of them', async () => {
    expect(Object.keys(await recognizer.recognize({ key: 'astronaut.png' }, defaults))).toEqual(['label_details']);
    expect(Object.keys(await recognizer.recognize({ key: 'astronaut.png' }, withFeatures('text')))).toEqual(['text']);
    const all = await recognizer.recognize({ key: 'astronaut.png' }, withFeatures('faces', 'text', 'labels'));
    expect(Object.keys(all).sort()).toEqual(['faces', 'label_details', 'text']);
  });

  it.each(Object.keys(TEXT_IMAGES))('reads the lines printed on %s, top to bottom', async (key) => {
    const printed = TEXT_IMAGES[key]?.lines.map(({ text }) => text) ?? [];
    const { text = [] } = await recognizer.recognize({ key }, withFeatures('text'));
    for (const line of text) expect(textLineSchema.parse(line)).toEqual(line);
    // Line by line, characters right over characters printed: an edit distance, so one misread letter costs one.
    const right = printed.reduce((sum, expected, index) => sum + charactersRight(expected, text[index]?.text ?? ''), 0);
    const total = printed.reduce((sum, expected) => sum + expected.length, 0);
    expect(right / total).toBeGreaterThanOrEqual(0.95);
    expect(text).toHaveLength(printed.length);
    const tops = text.map((line) => line.bounding_box.top);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
  });

  it('puts a line of text in its place on the image', async () => {
    const { text = [] } = await recognizer.recognize({ key: 'notice.png' }, withFeatures('text'));
    const stop = text.find((line) => line.text === 'STOP');
    // The first line's box sits at the top left: x from 30 px of 900, and within the first 150 px of 449.
    expect(stop?.bounding_box.left).toBeCloseTo(30 / 900, 1);
    expect(stop?.bounding_box.top).toBeLessThan(150 / 449);
    expect(stop?.confidence).toBeGreaterThan(60);
  });

  it.each(['dog.jpg', 'horses.jpg', 'coffee.png', 'chelsea.png', 'rocket.jpg'])(
    'reads no text on %s, a photo without any',
    async (key) => {
      expect(await recognizer.recognize({ key }, withFeatures('text'))).toEqual({ text: [] });
    },
  );

  it.each(['astronaut.png', 'camera.png'])('finds the one face on %s, with a box around it', async (key) => {
    const { faces = [] } = await recognizer.recognize({ key }, withFeatures('faces'));
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(faceSchema.parse(face)).toEqual(face);
    expect(face?.confidence).toBeGreaterThan(50);
    expect(face?.bounding_box.width).toBeGreaterThan(0.1);
  });

  it("places the astronaut's face where it is, and reads her smile", async () => {
    const { faces = [] } = await recognizer.recognize({ key: 'astronaut.png' }, withFeatures('faces'));
    const [face] = faces;
    // Eileen Collins' face spans about x 150–295 and y 50–195 of the 512 × 512 photo.
    expect(face?.bounding_box.left).toBeCloseTo(0.3, 1);
    expect(face?.bounding_box.top).toBeCloseTo(0.1, 1);
    expect(face?.emotions?.[0]?.type).toBe('happy');
    expect(face).not.toHaveProperty('age_range');
  });

  it.each(['dog.jpg', 'horses.jpg', 'coffee.png', 'chelsea.png', 'rocket.jpg', 'notice.png'])(
    'finds no face on %s, which has none',
    async (key) => {
      expect(await recognizer.recognize({ key }, withFeatures('faces'))).toEqual({ faces: [] });
    },
  );

  it('rejects a corrupt upload as unsupported_image_format whichever detectors it asks for', async () => {
    expect(await rejectionOf({ key: 'truncated.jpg' }, withFeatures('text', 'faces'))).toMatchObject({
      code: 'unsupported_image_format',
      retryable: false,
    });
  });

  it('finds faces on an image stored on its side, where they are once it is turned upright', async () => {
    madeUp.set(
      'astronaut-on-its-side.jpg',
      await sharp(await readFile(new URL('astronaut.png', fixturesDir)))
        .rotate(90)
        .withMetadata({ orientation: 8 })
        .jpeg({ quality: 95 })
        .toBuffer(),
    );
    const { faces = [] } = await recognizer.recognize({ key: 'astronaut-on-its-side.jpg' }, withFeatures('faces'));
    expect(faces).toHaveLength(1);
    expect(faces[0]?.bounding_box.left).toBeCloseTo(0.3, 1);
    expect(faces[0]?.bounding_box.top).toBeCloseTo(0.1, 1);
  });
});

/** Rewrites the size in a JPEG's first frame header (SOF0–SOF2) in place. */
function setJpegSize(jpeg: Uint8Array, width: number, height: number): void {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  // Segments follow the SOI marker: 0xFF, a marker byte, then a big-endian length that counts itself.
  for (let at = 2; at + 9 <= jpeg.byteLength; at += 2 + view.getUint16(at + 2)) {
    const marker = view.getUint8(at + 1);
    if (marker >= 0xc0 && marker <= 0xc2) {
      view.setUint16(at + 5, height);
      view.setUint16(at + 7, width);
      return;
    }
  }
  throw new Error('no frame header found');
}
