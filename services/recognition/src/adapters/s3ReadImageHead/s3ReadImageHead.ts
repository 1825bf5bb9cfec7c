import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NotFoundError } from '@imgrec/shared';
import type { ReadImageHead } from '../../ports.js';

export interface S3ReadImageHeadConfig {
  /** The image bucket the uploads service owns. */
  bucket: string;
}

/** The object's full size from a `Content-Range: bytes 0-262143/1048576` header. */
const totalSize = (contentRange: string | undefined): number | undefined => {
  const total = contentRange?.split('/')[1];
  return total === undefined || total === '*' ? undefined : Number(total);
};

/**
 * ReadImageHead on S3: one ranged GET for the first `length` bytes, whose Content-Range also gives the full size,
 * so a 15 MB upload is checked without downloading it.
 * @throws NotFoundError `object_not_found` when the object does not exist (the local blob store's error too); the
 *   SDK's error for anything else, after its own retries.
 */
export const buildS3ReadImageHead =
  (client: S3Client, config: S3ReadImageHeadConfig): ReadImageHead =>
  async (image, length) => {
    try {
      const object = await client.send(
        new GetObjectCommand({ Bucket: config.bucket, Key: image.key, Range: `bytes=0-${length - 1}` }),
      );
      if (totalSize(object.ContentRange) === 0) {
        // An empty object has no first byte to read (S3 itself answers 416, handled below; emulators may not).
        await object.Body?.transformToWebStream().cancel();
        return { head: new Uint8Array(), size: 0 };
      }
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      const size = totalSize(object.ContentRange) ?? object.ContentLength ?? bytes.byteLength;
      return { head: bytes.subarray(0, Math.min(length, size)), size };
    } catch (error) {
      const name = error instanceof Error ? error.name : undefined;
      // S3 answers a range request on an empty object with 416: there is no first byte to return.
      if (name === 'InvalidRange') return { head: new Uint8Array(), size: 0 };
      if (name === 'NoSuchKey') throw new NotFoundError('object_not_found', `No object ${image.key}`);
      throw error;
    }
  };
