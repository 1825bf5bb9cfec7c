import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import {
  authorizationOf,
  createBlob,
  putBytes,
  startStack,
  uploadImage,
  waitForBlob,
  type BlobBody,
  type RunningStack,
} from './harness.js';

const pngChunk = (type: string, data: Buffer) => {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
};

/** A well-formed PNG whose header claims 10,000 × 10,000 RGB but whose only IDAT inflates to 256 KiB of noise. */
const hugeNoisePng = () => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(10_000, 0);
  ihdr.writeUInt32BE(10_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(randomBytes(256 * 1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
};

const PROGRESSIVE_SIDES = { width: 320, height: 240 };

const progressiveJpeg = () =>
  sharp({ create: { ...PROGRESSIVE_SIDES, channels: 3, background: '#33aa77' } })
    .jpeg({ progressive: true, quality: 80, chromaSubsampling: '4:4:4' })
    .toBuffer();

/** Where each marker segment after SOI starts and ends; an SOS segment runs on through its entropy-coded data. */
const jpegSegments = (jpeg: Buffer) => {
  const segments: { marker: number; start: number; end: number }[] = [];
  let at = 2;
  while (at < jpeg.length && segments.length < 1_000) {
    const marker = jpeg[at + 1] ?? 0;
    if (marker === 0xd9) break;
    let end = at + 2 + jpeg.readUInt16BE(at + 2);
    const isDataByte = (next: number | undefined) =>
      next === 0x00 || (next !== undefined && next >= 0xd0 && next <= 0xd7);
    if (marker === 0xda) while (end < jpeg.length && !(jpeg[end] === 0xff && !isDataByte(jpeg[end + 1]))) end++;
    segments.push({ marker, start: at, end });
    at = end;
  }
  return segments;
};

/** The spectral start (Ss) of an SOS segment: 0 for a DC scan. */
const spectralStartOf = (jpeg: Buffer, sos: { start: number }) => jpeg[sos.start + 5 + 2 * (jpeg[sos.start + 4] ?? 0)];

/**
 * A progressive JPEG whose last scan (SOS up to EOI) is repeated `copies` times: well-formed marker by marker, but a
 * progression no encoder would write, since each repeat refines coefficients that are already complete.
 */
const repeatedScanJpeg = async (copies: number) => {
  const jpeg = await progressiveJpeg();
  const eoi = jpeg.length - 2;
  const scan = jpeg.subarray(jpeg.lastIndexOf(Buffer.from([0xff, 0xda])), eoi);
  return Buffer.concat([jpeg.subarray(0, eoi), ...Array.from({ length: copies }, () => scan), jpeg.subarray(eoi)]);
};

/**
 * A flat-coloured progressive JPEG with as many scans as a legal progression allows: sharp's DC scans, then for each
 * of the 3 components and each of the 63 AC coefficients its own first scan at Al=13 and 13 refinement scans down to
 * Al=0, 2,646 scans in all. The image is flat, so every AC coefficient is 0 and each AC scan is one end-of-band run
 * over all 1,200 blocks of its component: the only symbol of a one-code AC table (EOB10, code `0`) and the 10 extra
 * bits of 1200 - 1024 = 176, padded with 1 bits: 0x16 0x1f.
 */
const manyScanJpeg = async () => {
  const jpeg = await progressiveJpeg();
  const kept = jpegSegments(jpeg).filter((segment) => segment.marker !== 0xda || spectralStartOf(jpeg, segment) === 0);
  const acTable = Buffer.from([0xff, 0xc4, 0x00, 20, 0x10, 1, ...Array<number>(15).fill(0), 0xa0]);
  const scans = [1, 2, 3].flatMap((component) =>
    Array.from({ length: 63 }, (_, index) => index + 1).flatMap((coefficient) =>
      Array.from({ length: 14 }, (_, step) => {
        const [high, low] = [step === 0 ? 0 : 14 - step, 13 - step];
        const sos = [0xff, 0xda, 0x00, 8, 1, component, 0x00, coefficient, coefficient, (high << 4) | low];
        return Buffer.from([...sos, 0x16, 0x1f]);
      }),
    ),
  );
  return {
    scanCount: scans.length,
    bytes: Buffer.concat([
      jpeg.subarray(0, 2),
      ...kept.map((segment) => jpeg.subarray(segment.start, segment.end)),
      acTable,
      ...scans,
      Buffer.from([0xff, 0xd9]),
    ]),
  };
};

const errorOf = async (response: Response) => ({
  status: response.status,
  code: ((await response.json()) as { error: { code: string } }).error.code,
});

describe('hostile input against the local stack', () => {
  let stack: RunningStack;

  const postRaw = (body: string) =>
    fetch(`${stack.baseUrl}/blobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorizationOf(stack) },
      body,
    });

  /** Creates a blob, PUTs `bytes`, and waits (bounded) for its final status; returns it and how long that took. */
  const uploadAndSettle = async (contentType: string, bytes: Uint8Array, timeoutMs = 60_000) => {
    const started = Date.now();
    const blob = await createBlob(stack, { content_type: contentType });
    const put = await putBytes(blob, bytes);
    expect(put.status).toBe(200);
    const settled = await waitForBlob(stack, blob.blob_id, undefined, timeoutMs);
    return { blob: settled, ms: Date.now() - started };
  };

  const errorCodeOf = (blob: BlobBody) => (blob.error as { code: string } | undefined)?.code;

  /** The process is still up and other uploads still flow: /health is 200 and a real photo gets its labels. */
  const expectStillServing = async () => {
    expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
    const blob = await waitForBlob(stack, await uploadImage(stack, 'dog.jpg'));
    expect(blob.status).toBe('succeeded');
    expect(blob.labels).toContain('dog');
  };

  beforeAll(async () => {
    stack = await startStack({ env: { IMGREC_RECOGNIZER_WORKERS: '2' } });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers a JSON body nested 10,000 deep with a 400 naming what is wrong with it', async () => {
    const nested = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(await errorOf(await postRaw(nested))).toEqual({ status: 400, code: 'invalid_body' });
    expect(await errorOf(await postRaw(`{"max_labels":${nested}}`))).toEqual({
      status: 400,
      code: 'invalid_max_labels',
    });
    expect(await errorOf(await postRaw(`{"extra":${nested}}`))).toEqual({ status: 400, code: 'unknown_field' });
    await expectStillServing();
  }, 120_000);

  it('answers a 1,000,000-character callback_url with 400 invalid_callback_url', async () => {
    // The whole body stays under the API's 1 MiB limit, so it is the URL rule (at most 2048 characters) that answers,
    // not the 413 payload_too_large of an oversized body.
    const body = JSON.stringify({ callback_url: `https://example.com/${'a'.repeat(1_000_000 - 20)}` });
    expect(body.length).toBeLessThan(1024 * 1024);
    expect(await errorOf(await postRaw(body))).toEqual({ status: 400, code: 'invalid_callback_url' });
    await expectStillServing();
  }, 120_000);

  it('fails a zero-byte upload with empty_image', async () => {
    const { blob } = await uploadAndSettle('image/png', new Uint8Array(0));
    expect([blob.status, errorCodeOf(blob)]).toEqual(['failed', 'empty_image']);
    await expectStillServing();
  }, 120_000);

  it('fails a PNG cut to half its length with unsupported_image_format', async () => {
    const png = await sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } })
      .png()
      .toBuffer();
    const { blob } = await uploadAndSettle('image/png', png.subarray(0, Math.floor(png.length / 2)));
    expect([blob.status, errorCodeOf(blob)]).toEqual(['failed', 'unsupported_image_format']);
    await expectStillServing();
  }, 120_000);

  it('fails a PNG that claims 10,000 × 10,000 and decodes to noise, within 60 s', async () => {
    const { blob, ms } = await uploadAndSettle('image/png', hugeNoisePng());
    expect([blob.status, errorCodeOf(blob)]).toEqual(['failed', 'unsupported_image_format']);
    expect(ms).toBeLessThan(60_000);
    await expectStillServing();
  }, 120_000);

  it('fails a progressive JPEG that repeats its last scan 5,000 times with unsupported_image_format', async () => {
    const { blob, ms } = await uploadAndSettle('image/jpeg', await repeatedScanJpeg(5_000));
    expect([blob.status, errorCodeOf(blob)]).toEqual(['failed', 'unsupported_image_format']);
    expect(ms).toBeLessThan(60_000);
    await expectStillServing();
  }, 120_000);

  it('recognizes a progressive JPEG with 2,646 legal scans, within 60 s', async () => {
    const { scanCount, bytes } = await manyScanJpeg();
    expect(scanCount).toBe(2_646);
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    // The scans are real: the image still decodes, to its colour.
    const drift = [0x33, 0xaa, 0x77].map((expected, channel) => Math.abs((data[channel] ?? 0) - expected));
    expect(Math.max(...drift)).toBeLessThanOrEqual(4);
    const { blob, ms } = await uploadAndSettle('image/jpeg', bytes);
    expect(blob.status).toBe('succeeded');
    expect(Array.isArray(blob.labels)).toBe(true);
    expect(ms).toBeLessThan(60_000);
    await expectStillServing();
  }, 120_000);
});
