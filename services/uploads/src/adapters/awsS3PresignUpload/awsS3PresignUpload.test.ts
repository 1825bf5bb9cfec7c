import { describe, expect, it } from '@jest/globals';
import { buildS3Client } from '@imgrec/shared/aws';
import { buildS3PresignUpload } from './awsS3PresignUpload.js';

const s3 = buildS3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
});

const presign = (contentLength?: number, now = new Date('2026-11-27T12:00:00.250Z')) =>
  buildS3PresignUpload(s3, { bucket: 'imgrec-dev-images', now: () => now })(
    'q1Xw3-_9ZkLmNoPqRsTuVw',
    600,
    contentLength,
  );

const signedHeadersOf = (url: string) => new URL(url).searchParams.get('X-Amz-SignedHeaders')?.split(';');

describe('buildS3PresignUpload', () => {
  it('signs only the host, so a plain PUT with no headers is accepted', async () => {
    const { url, headers } = await presign();
    expect(signedHeadersOf(url)).toEqual(['host']);
    expect(headers).toEqual({});
  });

  it('signs a given content length into the URL and asks the client to send it', async () => {
    const { url, headers } = await presign(48_213);
    expect(signedHeadersOf(url)).toEqual(['content-length', 'host']);
    expect(headers).toEqual({ 'Content-Length': '48213' });
  });

  it('signs no checksum of an empty body into the URL', async () => {
    const query = new URL((await presign()).url).searchParams;
    expect([...query.keys()].filter((name) => name.toLowerCase().includes('checksum'))).toEqual([]);
  });

  it('addresses the blob in the image bucket and expires when S3 will stop accepting it', async () => {
    const { url, expiresAt } = await presign();
    const parsed = new URL(url);
    expect(`${parsed.host}${parsed.pathname}`).toBe(
      'imgrec-dev-images.s3.eu-west-1.amazonaws.com/q1Xw3-_9ZkLmNoPqRsTuVw',
    );
    expect(parsed.searchParams.get('X-Amz-Date')).toBe('20261127T120000Z');
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(expiresAt).toEqual(new Date('2026-11-27T12:10:00.000Z'));
  });
});
