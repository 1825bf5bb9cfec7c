import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImageRejectedError, type LabelDetail, type RecognitionOptions } from '@imgrec/shared';
import sharp from 'sharp';
import type { ImageRef } from '../../ports.js';
import { buildLocalRecognizer, type LocalRecognizer } from './buildLocalRecognizer.js';

// These tests run the real CenterNet model on real photos, on one worker loaded once for the whole file.
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

async function rejectionOf(image: ImageRef): Promise<ImageRejectedError> {
  const error = await recognizer.detectLabels(image, defaults).then(
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
    const labels = await recognizer.detectLabels({ key }, defaults);
    expect(names(labels)).toEqual(expect.arrayContaining(expected));
  });

  it('reports labels best first with taxonomy parents, thresholded instances and boxes inside the image', async () => {
    const labels = await recognizer.detectLabels({ key: 'dog.jpg' }, defaults);
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
    const labels = await recognizer.detectLabels({ key: 'dog.jpg' }, { min_confidence: 0, max_labels: 2 });
    expect(labels).toHaveLength(2);
  });

  it('applies EXIF orientation, so boxes match the image as displayed', async () => {
    const upright = await recognizer.detectLabels({ key: 'dog.jpg' }, defaults);
    // Stored on its side, with the EXIF tag that tells viewers to turn it upright.
    madeUp.set(
      'dog-on-its-side.jpg',
      await sharp(await readFile(new URL('dog.jpg', fixturesDir)))
        .rotate(-90)
        .withMetadata({ orientation: 6 })
        .jpeg({ quality: 95 })
        .toBuffer(),
    );
    const turned = await recognizer.detectLabels({ key: 'dog-on-its-side.jpg' }, defaults);
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
    expect(names(await recognizer.detectLabels({ key: 'horses-gray-alpha.png' }, defaults))).toContain('horse');
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
    expect(names(await recognizer.detectLabels({ key: 'horses.jpg' }, defaults))).toContain('horse');
  });

  it('keeps working after rejecting an image', async () => {
    await rejectionOf({ key: 'truncated.jpg' });
    expect(names(await recognizer.detectLabels({ key: 'horses.jpg' }, defaults))).toContain('horse');
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
