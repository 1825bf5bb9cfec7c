import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newBlobId } from '@imgrec/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PresignUpload } from '../../ports.js';

export interface PresignUploadHarness {
  presignUpload: PresignUpload;
  /** The bytes stored under `key`, or undefined while nothing is. */
  readObject(key: string): Promise<Uint8Array | undefined>;
  stop(): Promise<void>;
}

const PNG_BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

const put = (url: string, headers: Record<string, string>) =>
  fetch(url, { method: 'PUT', headers, body: PNG_BYTES }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });

/**
 * The PresignUpload port's contract, checked with real PUTs over HTTP: run it against every adapter (the local blob
 * store behind the local server, S3 on s3rver). `checksSignatures` is false for a store that, like s3rver, does not
 * verify SigV4 signatures; that adapter must then prove what it signs in its own tests.
 */
export const describePresignUploadContract = (
  adapter: string,
  build: () => Promise<PresignUploadHarness>,
  options: { checksSignatures: boolean },
) => {
  describe(`PresignUpload contract: ${adapter}`, () => {
    let harness: PresignUploadHarness;

    beforeAll(async () => {
      harness = await build();
    });

    afterAll(async () => {
      await harness.stop();
    });

    it('stores a plain PUT with no headers at all, as `curl --upload-file` sends it', async () => {
      const key = newBlobId();
      const upload = await harness.presignUpload(key, 600);
      expect(upload.headers).toEqual({});
      expect(await put(upload.url, {})).toBe(200);
      expect(Buffer.from((await harness.readObject(key)) ?? [])).toEqual(Buffer.from(PNG_BYTES));
    });

    it('stores an upload whatever Content-Type it declares: the format is read from the bytes', async () => {
      const key = newBlobId();
      const upload = await harness.presignUpload(key, 600);
      expect(await put(upload.url, { 'Content-Type': 'image/jpeg' })).toBe(200);
      expect(Buffer.from((await harness.readObject(key)) ?? [])).toEqual(Buffer.from(PNG_BYTES));
    });

    it('stores an upload of the length the URL is bound to, sent with the headers it was given', async () => {
      const key = newBlobId();
      const upload = await harness.presignUpload(key, 600, PNG_BYTES.length);
      expect(upload.headers).toEqual({ 'Content-Length': String(PNG_BYTES.length) });
      expect(await put(upload.url, upload.headers)).toBe(200);
      expect(Buffer.from((await harness.readObject(key)) ?? [])).toEqual(Buffer.from(PNG_BYTES));
    });

    it('reports when the URL expires', async () => {
      const before = Date.now();
      const upload = await harness.presignUpload(newBlobId(), 600);
      expect(upload.expiresAt.getTime()).toBeGreaterThan(before + 598_000);
      expect(upload.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);
    });

    it('refuses an upload once the URL has expired, and stores nothing', async () => {
      const key = newBlobId();
      const upload = await harness.presignUpload(key, 1);
      await sleep(Math.max(0, upload.expiresAt.getTime() - Date.now()) + 1100);
      expect(await put(upload.url, upload.headers)).toBe(403);
      expect(await harness.readObject(key)).toBeUndefined();
    });

    if (options.checksSignatures) {
      it('refuses an upload of another length than the URL is bound to, and stores nothing', async () => {
        const key = newBlobId();
        const upload = await harness.presignUpload(key, 600, PNG_BYTES.length + 1);
        expect(await put(upload.url, {})).toBe(403);
        expect(await harness.readObject(key)).toBeUndefined();
      });
    }
  });
};
