import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UploadGrant {
  key: string;
  contentType: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
}

const canonical = (grant: UploadGrant) => `PUT\n${grant.key}\n${grant.contentType}\n${grant.expires}`;

/** The HMAC-SHA256 signature of an upload grant, base64url. The Content-Type is signed, as in an S3 presigned PUT. */
export const signUpload = (secret: Buffer, grant: UploadGrant): string =>
  createHmac('sha256', secret).update(canonical(grant)).digest('base64url');

/** Whether `signature` was made for exactly this grant with this secret, compared in constant time. */
export const isUploadSignatureValid = (secret: Buffer, grant: UploadGrant, signature: string): boolean => {
  const expected = Buffer.from(signUpload(secret, grant));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
};
