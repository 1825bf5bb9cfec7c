import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotFoundError } from '@imgrec/shared';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IMAGE_HEAD_BYTES, inspectImage } from '../../image/inspectImage/inspectImage.js';
import type { ReadImageHead } from '../../ports.js';

export interface ReadImageHeadHarness {
  readImageHead: ReadImageHead;
  /** Stores an object the way an upload would. */
  store(key: string, bytes: Uint8Array): Promise<void>;
  stop(): Promise<void>;
}

const PHOTO = readFileSync(new URL('../../../../../fixtures/images/dog.jpg', import.meta.url));

const newKey = () => randomBytes(16).toString('base64url');

/**
 * The ReadImageHead port's contract: run it against every adapter (the local blob store, S3 on s3rver), so that
 * recognizeBlob checks an upload the same way in both modes.
 */
export const describeReadImageHeadContract = (adapter: string, build: () => Promise<ReadImageHeadHarness>) => {
  describe(`ReadImageHead contract: ${adapter}`, () => {
    let harness: ReadImageHeadHarness;

    beforeAll(async () => {
      harness = await build();
    });

    afterAll(async () => {
      await harness.stop();
    });

    it('reads the first bytes of a larger object, and its full size', async () => {
      const key = newKey();
      await harness.store(key, PHOTO);
      const { head, size } = await harness.readImageHead({ key }, 1024);
      expect(size).toBe(PHOTO.byteLength);
      expect(Buffer.from(head)).toEqual(PHOTO.subarray(0, 1024));
    });

    it('reads a shorter object whole', async () => {
      const key = newKey();
      await harness.store(key, Uint8Array.from([0xff, 0xd8, 0xff]));
      const { head, size } = await harness.readImageHead({ key }, 1024);
      expect({ head: [...head], size }).toEqual({ head: [0xff, 0xd8, 0xff], size: 3 });
    });

    it('reads an empty object as no bytes and size 0', async () => {
      const key = newKey();
      await harness.store(key, new Uint8Array());
      const { head, size } = await harness.readImageHead({ key }, 1024);
      expect({ head: [...head], size }).toEqual({ head: [], size: 0 });
    });

    it('reads enough of a real photo for the image check', async () => {
      const key = newKey();
      await harness.store(key, PHOTO);
      const { head, size } = await harness.readImageHead({ key }, IMAGE_HEAD_BYTES);
      expect(inspectImage(head, size).format).toBe('jpeg');
    });

    it('refuses an object that does not exist with object_not_found', async () => {
      const missing = harness.readImageHead({ key: newKey() }, 1024);
      await expect(missing).rejects.toThrow(NotFoundError);
      await expect(missing).rejects.toMatchObject({ code: 'object_not_found' });
    });
  });
};
