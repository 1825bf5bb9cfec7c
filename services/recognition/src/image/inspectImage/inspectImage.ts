import { IMAGE_LIMITS, ImageRejectedError } from '@imgrec/shared';

/** What the header says about an image: its real format (from the magic bytes) and its stored size in pixels. */
export interface ImageInspection {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

/**
 * How many leading bytes a caller should hand to {@link inspectImage} when it cannot cheaply read the whole file
 * (an S3 range GET). JPEG metadata segments (EXIF, ICC, XMP) before the frame header rarely come close to this.
 */
export const IMAGE_HEAD_BYTES = 256 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/**
 * Checks an upload against the contract's image limits ({@link IMAGE_LIMITS}) before any decoder or model sees it:
 * size, format and dimensions, read from the bytes alone. `head` is the start of the file (all of it, or at least
 * {@link IMAGE_HEAD_BYTES}); `totalBytes` is the size of the whole file. EXIF orientation is ignored: it swaps the
 * sides, and the limits are the same for both sides.
 *
 * @throws ImageRejectedError `empty_image` for 0 bytes, `image_too_large` over {@link IMAGE_LIMITS.maxBytes},
 *   `unsupported_image_format` when the bytes are not a JPEG or PNG or the header ends before the dimensions,
 *   `image_dimensions_out_of_range` when a side is outside [minSidePx, maxSidePx].
 */
export function inspectImage(head: Uint8Array, totalBytes: number): ImageInspection {
  if (totalBytes === 0) throw new ImageRejectedError('empty_image', 'The uploaded image is empty.');
  if (totalBytes > IMAGE_LIMITS.maxBytes) {
    throw new ImageRejectedError('image_too_large', `The image is larger than ${IMAGE_LIMITS.maxBytes} bytes.`);
  }
  const inspection = readHeader(head);
  const { minSidePx, maxSidePx } = IMAGE_LIMITS;
  for (const side of [inspection.width, inspection.height]) {
    if (side < minSidePx || side > maxSidePx) {
      throw new ImageRejectedError(
        'image_dimensions_out_of_range',
        `The image is ${inspection.width}×${inspection.height} px; each side must be ${minSidePx}–${maxSidePx} px.`,
      );
    }
  }
  return inspection;
}

function readHeader(head: Uint8Array): ImageInspection {
  if (startsWith(head, PNG_SIGNATURE)) return { format: 'png', ...readPngSize(head) };
  if (startsWith(head, JPEG_SIGNATURE)) return { format: 'jpeg', ...readJpegSize(head) };
  throw unsupported('The image is not a JPEG or PNG.');
}

/** PNG puts IHDR first, right after the signature: length (4), type (4), width (4), height (4). */
function readPngSize(head: Uint8Array): { width: number; height: number } {
  const view = viewOf(head);
  if (head.byteLength < 24 || String.fromCharCode(...head.subarray(12, 16)) !== 'IHDR') {
    throw unsupported('The PNG header is incomplete.');
  }
  return positiveSize(view.getUint32(16), view.getUint32(20));
}

/**
 * JPEG has no fixed header: walk the marker segments until a start-of-frame (SOFn) segment, which holds
 * precision (1), height (2) and width (2).
 */
function readJpegSize(head: Uint8Array): { width: number; height: number } {
  const view = viewOf(head);
  let offset = 2;
  for (;;) {
    if (head[offset] !== 0xff) throw unsupported('The JPEG header is incomplete or corrupt.');
    // Any number of 0xFF fill bytes may precede a marker code.
    while (head[offset] === 0xff) offset += 1;
    const marker = head[offset];
    offset += 1;
    if (marker === undefined) throw unsupported('The JPEG header is incomplete or corrupt.');
    if (isStandaloneMarker(marker)) continue;
    // Image data (SOS) or the end of the image (EOI) before any frame header: there is no size to read.
    if (marker === 0xda || marker === 0xd9) throw unsupported('The JPEG has no frame header.');
    if (offset + 2 > head.byteLength) throw unsupported('The JPEG header is incomplete or corrupt.');
    const segmentLength = view.getUint16(offset);
    if (segmentLength < 2) throw unsupported('The JPEG header is incomplete or corrupt.');
    if (isStartOfFrame(marker)) {
      if (offset + 7 > head.byteLength) throw unsupported('The JPEG header is incomplete or corrupt.');
      return positiveSize(view.getUint16(offset + 5), view.getUint16(offset + 3));
    }
    offset += segmentLength;
  }
}

/** SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range but are not frame headers. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** TEM and RST0–RST7 carry no length field. */
function isStandaloneMarker(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/** A zero side is not a small image but a header no decoder here accepts (PNG forbids it, JPEG defers it to DNL). */
function positiveSize(width: number, height: number): { width: number; height: number } {
  if (width === 0 || height === 0) throw unsupported('The image header declares a zero size.');
  return { width, height };
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function unsupported(message: string): ImageRejectedError {
  return new ImageRejectedError('unsupported_image_format', message);
}
