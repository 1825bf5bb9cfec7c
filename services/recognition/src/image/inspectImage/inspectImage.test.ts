import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { IMAGE_LIMITS, ImageRejectedError } from '@imgrec/shared';
import sharp from 'sharp';
import { IMAGE_HEAD_BYTES, inspectImage } from './inspectImage.js';

const fixture = (name: string) => readFile(new URL(`../../../../../fixtures/images/${name}`, import.meta.url));

function encode(width: number, height: number, format: 'jpeg' | 'png', progressive = false): Promise<Buffer> {
  const blank = sharp({ create: { width, height, channels: 3, background: '#808080' } });
  return format === 'png' ? blank.png().toBuffer() : blank.jpeg({ progressive }).toBuffer();
}

/** A JPEG start, then the given segments (marker code + payload with its length field filled in). */
function jpegWith(...segments: [marker: number, payload: number[]][]): Uint8Array {
  const bytes = [0xff, 0xd8];
  for (const [marker, payload] of segments) {
    const length = payload.length + 2;
    bytes.push(0xff, marker, length >> 8, length & 0xff, ...payload);
  }
  return Uint8Array.from(bytes);
}

const sof0 = (width: number, height: number): [number, number[]] => [
  0xc0,
  [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
];

function rejection(head: Uint8Array, totalBytes = head.byteLength): ImageRejectedError {
  try {
    inspectImage(head, totalBytes);
  } catch (error) {
    if (error instanceof ImageRejectedError) return error;
    throw error;
  }
  throw new Error('expected inspectImage to reject the image');
}

describe('inspectImage', () => {
  it.each([
    ['dog.jpg', 'jpeg', 768, 576],
    ['horses.jpg', 'jpeg', 773, 512],
    ['astronaut.png', 'png', 512, 512],
    ['coffee.png', 'png', 600, 400],
    // The header of the truncated upload is whole; only decoding can tell it is corrupt.
    ['truncated.jpg', 'jpeg', 100, 100],
  ])('reads the format and size of %s', async (name, format, width, height) => {
    const bytes = await fixture(name);
    expect(inspectImage(bytes.subarray(0, IMAGE_HEAD_BYTES), bytes.byteLength)).toEqual({ format, width, height });
  });

  it('reads the frame header of a progressive JPEG', async () => {
    expect(inspectImage(await encode(320, 200, 'jpeg', true), 1000)).toEqual({
      format: 'jpeg',
      width: 320,
      height: 200,
    });
  });

  it('skips fill bytes, standalone markers and metadata segments before the frame header', () => {
    const head = jpegWith([0xe1, Array<number>(5000).fill(7)], [0xfe, [1, 2, 3]], sof0(640, 480));
    const withFill = Uint8Array.from([...head.subarray(0, 2), 0xff, 0x01, 0xff, 0xff, ...head.subarray(2)]);
    expect(inspectImage(withFill, withFill.byteLength)).toEqual({ format: 'jpeg', width: 640, height: 480 });
  });

  it('rejects an empty upload as empty_image', () => {
    expect(rejection(new Uint8Array(0), 0).code).toBe('empty_image');
  });

  it('rejects anything over the size limit as image_too_large, before reading the header', async () => {
    const head = await encode(100, 100, 'jpeg');
    expect(rejection(head, IMAGE_LIMITS.maxBytes + 1).code).toBe('image_too_large');
    expect(inspectImage(head, IMAGE_LIMITS.maxBytes).format).toBe('jpeg');
  });

  it.each([
    ['GIF', Uint8Array.from(Buffer.from('GIF89a\x64\x00\x64\x00'))],
    ['WebP', Uint8Array.from(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 '))],
    ['text', Uint8Array.from(Buffer.from('definitely not an image, just some words'))],
    ['a lone JPEG signature', Uint8Array.from([0xff, 0xd8, 0xff])],
  ])('rejects %s as unsupported_image_format', (_kind, bytes) => {
    const error = rejection(bytes);
    expect(error.code).toBe('unsupported_image_format');
    expect(error.retryable).toBe(false);
  });

  it('rejects a header that ends before the dimensions as unsupported_image_format', async () => {
    const png = await encode(100, 100, 'png');
    expect(rejection(png.subarray(0, 20), png.byteLength).code).toBe('unsupported_image_format');
    const jpeg = jpegWith([0xe0, Array<number>(100).fill(0)], sof0(640, 480));
    expect(rejection(jpeg.subarray(0, 110), 5000).code).toBe('unsupported_image_format');
    expect(rejection(jpeg.subarray(0, jpeg.byteLength - 12), 5000).code).toBe('unsupported_image_format');
  });

  it('rejects a JPEG whose image data starts before any frame header', () => {
    expect(rejection(jpegWith([0xe0, [0, 0]], [0xda, [1, 2, 3]], sof0(640, 480))).code).toBe(
      'unsupported_image_format',
    );
  });

  it('rejects a header that declares a zero side as unsupported_image_format', () => {
    expect(rejection(jpegWith(sof0(640, 0))).code).toBe('unsupported_image_format');
  });

  it.each([
    [79, 200],
    [200, 79],
    [10_001, 80],
  ])('rejects %i×%i px as image_dimensions_out_of_range', (width, height) => {
    expect(rejection(jpegWith(sof0(width, height))).code).toBe('image_dimensions_out_of_range');
  });

  it('accepts sides exactly at the limits', async () => {
    expect(inspectImage(jpegWith(sof0(80, 10_000)), 500)).toEqual({ format: 'jpeg', width: 80, height: 10_000 });
    const png = await encode(10_000, 80, 'png');
    expect(inspectImage(png, png.byteLength)).toEqual({ format: 'png', width: 10_000, height: 80 });
  });
});
