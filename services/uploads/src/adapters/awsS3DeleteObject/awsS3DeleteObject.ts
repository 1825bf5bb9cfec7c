import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeleteObject } from '../../ports.js';

export interface S3DeleteObjectConfig {
  /** The image bucket; the object key is the blob id. */
  bucket: string;
}

/**
 * DeleteObject on S3. S3 answers a delete of a missing key with success, so a retried delete is harmless. The
 * function's role needs s3:DeleteObject on the bucket's objects.
 */
export const buildS3DeleteObject =
  (client: S3Client, config: S3DeleteObjectConfig): DeleteObject =>
  async (key) => {
    await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
  };
