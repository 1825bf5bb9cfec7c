import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * An S3 client for imgrec's adapters. Checksums are computed and validated only where S3 requires them: by default
 * the SDK signs a CRC32 of the (empty) body into presigned PUT URLs, which makes every real upload through them
 * fail, and the s3rver emulator the adapter tests use knows no flexible checksums either. Pass `endpoint` and
 * `forcePathStyle: true` (and credentials) to talk to an emulator; in Lambda the defaults are right.
 */
export const buildS3Client = (config: S3ClientConfig = {}): S3Client =>
  new S3Client({
    ...config,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
