import { describe, expect, it } from '@jest/globals';
import { buildS3Client } from '@imgrec/shared/aws';
import { buildS3PresignUpload } from './awsS3PresignUpload.js';

const s3 = buildS3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
});

const presign = (now = new Date('2026-11-27T12:00:00.250Z')) =>
  buildS3PresignUpload(s3, { bucket: 'imgrec-dev-images', now: () => now })('q1Xw3-_9ZkLmNoPqRsTuVw', 'image/png', 600);

describe('buildS3PresignUpload', () => {
  it('signs the Content-Type into the URL, so S3 refuses an upload that declares another one', async () => {
    const { url, headers } = await presign();
    const query = new URL(url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-type', 'host']);
    expect(headers).toEqual({ 'Content-Type': 'image/png' });
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
