import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UploadGrant {
  key: string;
  /** The exact size in bytes the upload must have; undefined when any size up to the limit is accepted. */
  contentLength?: number;
  /** Unix seconds after which the URL is refused. */
  expires: number;
}

const canonical = (grant: UploadGrant) => `PUT\n${grant.key}\n${grant.contentLength ?? ''}\n${grant.expires}`;

/**
 * The HMAC-SHA256 signature of an upload grant, base64url. A bound length is signed, as a Content-Length is in an S3
 * presigned PUT; the Content-Type is not, so a plain `curl --upload-file` works (the format is read from the bytes).
 */
export const signUpload = (secret: Buffer, grant: UploadGrant): string =>
  createHmac('sha256', secret).update(canonical(grant)).digest('base64url');

/** Whether `signature` was made for exactly this grant with this secret, compared in constant time. */
export const isUploadSignatureValid = (secret: Buffer, grant: UploadGrant, signature: string): boolean => {
  const expected = Buffer.from(signUpload(secret, grant));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
};
