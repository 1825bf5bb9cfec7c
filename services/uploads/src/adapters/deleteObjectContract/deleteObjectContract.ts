import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newBlobId } from '@imgrec/shared';
import type { DeleteObject } from '../../ports.js';

export interface DeleteObjectHarness {
  deleteObject: DeleteObject;
  /** Stores `bytes` under `key`, the way an upload would. */
  putObject(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under `key`, or undefined while nothing is. */
  readObject(key: string): Promise<Uint8Array | undefined>;
  stop(): Promise<void>;
}

/**
 * The DeleteObject port's contract: run it against every adapter (the local blob store, S3 on s3rver), so that an
 * oversize image goes the same way in both modes, and a retried delete does no harm.
 */
export const describeDeleteObjectContract = (adapter: string, build: () => Promise<DeleteObjectHarness>) => {
  describe(`DeleteObject contract: ${adapter}`, () => {
    let harness: DeleteObjectHarness;

    beforeAll(async () => {
      harness = await build();
    });

    afterAll(async () => {
      await harness.stop();
    });

    it('deletes a stored object and leaves the others', async () => {
      const [doomed, kept] = [newBlobId(), newBlobId()];
      await harness.putObject(doomed, Buffer.from('doomed'));
      await harness.putObject(kept, Buffer.from('kept'));

      await harness.deleteObject(doomed);

      expect(await harness.readObject(doomed)).toBeUndefined();
      expect(Buffer.from((await harness.readObject(kept)) ?? [])).toEqual(Buffer.from('kept'));
    });

    it('takes a second delete, or a delete of an object never stored, as done', async () => {
      const key = newBlobId();
      await harness.putObject(key, Buffer.from('bytes'));
      await harness.deleteObject(key);
      await expect(harness.deleteObject(key)).resolves.toBeUndefined();
      await expect(harness.deleteObject(newBlobId())).resolves.toBeUndefined();
    });
  });
};
