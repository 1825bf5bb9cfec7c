import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '@imgrec/shared';
import type { PresignUpload } from '../../ports.js';

export interface S3PresignUploadConfig {
  /** The image bucket; the object key is the blob id. */
  bucket: string;
  now?: Clock;
}

/**
 * PresignUpload on S3: a presigned PutObject URL that signs no header a plain `curl --upload-file` does not send, so
 * no Content-Type (the format is read from the bytes). With a content length, `content-length` is signed too, and S3
 * refuses a PUT of any other size. Build the client with buildS3Client: with the SDK's default checksum setting, a
 * CRC32 of an empty body is signed into the URL and every real upload fails. The URL carries the function's
 * temporary credentials, so the function's role needs s3:PutObject on the bucket's objects.
 */
export const buildS3PresignUpload =
  (client: S3Client, config: S3PresignUploadConfig): PresignUpload =>
  async (key, expiresInSeconds, contentLength) => {
    // SigV4 dates have whole seconds; sign with a whole second so expiresAt is exactly when S3 stops accepting.
    const signedAt = new Date(Math.floor((config.now?.() ?? new Date()).getTime() / 1000) * 1000);
    const bound = contentLength !== undefined;
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: config.bucket, Key: key, ...(bound && { ContentLength: contentLength }) }),
      {
        expiresIn: expiresInSeconds,
        signingDate: signedAt,
        // Named, not left to the signer's defaults, so the length stays signed whatever those become.
        ...(bound && { signableHeaders: new Set(['content-length']) }),
      },
    );
    const headers: Record<string, string> = bound ? { 'Content-Length': String(contentLength) } : {};
    return {
      url,
      headers,
      expiresAt: new Date(signedAt.getTime() + expiresInSeconds * 1000),
    };
  };
