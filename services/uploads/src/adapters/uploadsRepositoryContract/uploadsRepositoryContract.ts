import { describe, expect, it } from '@jest/globals';
import type { Clock } from '@imgrec/shared';
import {
  IDEMPOTENCY_WINDOW_MS,
  type CreateUploadResponse,
  type IdempotentRequest,
  type UploadRecord,
  type UploadsRepository,
} from '../../ports.js';

const T0 = Date.parse('2026-11-27T12:00:00.000Z');

const record = (blobId: string, extra: Partial<UploadRecord> = {}): UploadRecord => ({
  blob_id: blobId,
  tenant_id: 'tnt_a',
  content_type: 'image/png',
  options: { min_confidence: 55, max_labels: 20 },
  callback_url: 'https://hooks.example.com/imgrec',
  created_at: '2026-11-27T12:00:00.000Z',
  expires_at: '2026-11-27T12:10:00.000Z',
  ...extra,
});

const responseFor = (blobId: string): CreateUploadResponse => ({
  blob_id: blobId,
  upload_url: `https://images.example.com/${blobId}?X-Amz-Signature=abc`,
  upload_method: 'PUT',
  upload_headers: {},
  expires_at: '2026-11-27T12:10:00.000Z',
  status_url: `https://api.example.com/blobs/${blobId}`,
});

/** A blob's record as createUpload saves it under the Idempotency-Key `order-42`. */
const recordUnderKey = (blobId: string) => record(blobId, { idempotency_key: 'order-42' });

/** What findIdempotent answers for the key while the request for `blobId` holds it. */
const heldBy = (blobId: string, requestHash: string) => ({ requestHash, response: responseFor(blobId) });

const underKey = (blobId: string, requestHash: string): IdempotentRequest => ({
  key: 'order-42',
  requestHash,
  response: responseFor(blobId),
});

/**
 * The UploadsRepository port's contract: run it against every adapter (SQLite, DynamoDB) so that idempotency, the
 * one-time stored_at and deletion behave the same in both modes. `build` gets the clock the repository must use.
 */
export const describeUploadsRepositoryContract = (
  adapter: string,
  build: (now: Clock) => UploadsRepository | Promise<UploadsRepository>,
) => {
  describe(`UploadsRepository contract: ${adapter}`, () => {
    it('saves a new upload and reads it back; an unknown blob reads as undefined', async () => {
      const repository = await build(() => new Date(T0));
      expect(await repository.create(record('blob-a'))).toEqual({ created: true });
      expect(await repository.get('blob-a')).toEqual(record('blob-a'));
      expect(await repository.get('blob-unknown')).toBeUndefined();
    });

    it('keeps an upload without a callback_url without one', async () => {
      const repository = await build(() => new Date(T0));
      const { callback_url: _callbackUrl, ...withoutCallback } = record('blob-a');
      await repository.create(withoutCallback);
      expect(await repository.get('blob-a')).toStrictEqual(withoutCallback);
    });

    it('records the first time the image was stored, and keeps it when told again', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(record('blob-a'));
      const first = '2026-11-27T12:01:00.000Z';
      expect(await repository.markStored('blob-a', first)).toEqual(record('blob-a', { stored_at: first }));
      expect(await repository.markStored('blob-a', '2026-11-27T12:02:00.000Z')).toEqual(
        record('blob-a', { stored_at: first }),
      );
      expect(await repository.get('blob-a')).toEqual(record('blob-a', { stored_at: first }));
    });

    it('records the first time the blob was announced, and keeps it when told again', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(record('blob-a'));
      const stored = '2026-11-27T12:01:00.000Z';
      await repository.markStored('blob-a', stored);
      await repository.markAnnounced('blob-a', '2026-11-27T12:01:01.000Z');
      await repository.markAnnounced('blob-a', '2026-11-27T12:05:00.000Z');
      const announced = record('blob-a', { stored_at: stored, announced_at: '2026-11-27T12:01:01.000Z' });
      expect(await repository.get('blob-a')).toEqual(announced);
      expect(await repository.markStored('blob-a', '2026-11-27T12:06:00.000Z')).toEqual(announced);
    });

    it('marks nothing for a blob it never saved', async () => {
      const repository = await build(() => new Date(T0));
      expect(await repository.markStored('blob-unknown', '2026-11-27T12:01:00.000Z')).toBeUndefined();
      await repository.markAnnounced('blob-unknown', '2026-11-27T12:01:00.000Z');
      expect(await repository.get('blob-unknown')).toBeUndefined();
    });

    it('remembers the response under its Idempotency-Key', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(record('blob-a'), underKey('blob-a', 'hash-a'));
      expect(await repository.findIdempotent('tnt_a', 'order-42')).toEqual(heldBy('blob-a', 'hash-a'));
      expect(await repository.findIdempotent('tnt_a', 'order-43')).toBeUndefined();
    });

    it('keeps each tenant’s Idempotency-Keys apart: the same key of another tenant is another key', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(record('blob-a'), underKey('blob-a', 'hash-a'));
      expect(await repository.findIdempotent('tnt_b', 'order-42')).toBeUndefined();
      expect(await repository.create(record('blob-b', { tenant_id: 'tnt_b' }), underKey('blob-b', 'hash-b'))).toEqual({
        created: true,
      });
      expect(await repository.findIdempotent('tnt_a', 'order-42')).toEqual(heldBy('blob-a', 'hash-a'));
      expect(await repository.findIdempotent('tnt_b', 'order-42')).toEqual(heldBy('blob-b', 'hash-b'));
    });

    it('saves nothing under a key already held, and returns the request that holds it', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(record('blob-a'), underKey('blob-a', 'hash-a'));
      expect(await repository.create(record('blob-b'), underKey('blob-b', 'hash-b'))).toEqual({
        created: false,
        existing: heldBy('blob-a', 'hash-a'),
      });
      expect(await repository.get('blob-b')).toBeUndefined();
    });

    it('frees a key once its 24 hours are over', async () => {
      let clock = T0;
      const repository = await build(() => new Date(clock));
      await repository.create(record('blob-a'), underKey('blob-a', 'hash-a'));
      clock = T0 + IDEMPOTENCY_WINDOW_MS + 1;
      expect(await repository.findIdempotent('tnt_a', 'order-42')).toBeUndefined();
      expect(await repository.create(record('blob-b'), underKey('blob-b', 'hash-b'))).toEqual({ created: true });
      expect(await repository.findIdempotent('tnt_a', 'order-42')).toEqual(heldBy('blob-b', 'hash-b'));
    });

    it('keeps the Idempotency-Key a blob was created under on its record', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(recordUnderKey('blob-a'), underKey('blob-a', 'hash-a'));
      expect(await repository.get('blob-a')).toStrictEqual(recordUnderKey('blob-a'));
    });

    it('deletes a blob’s record and leaves the others', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(record('blob-a'));
      await repository.create(record('blob-b'));
      await repository.markStored('blob-a', '2026-11-27T12:01:00.000Z');

      await repository.delete(record('blob-a'));

      expect(await repository.get('blob-a')).toBeUndefined();
      expect(await repository.markStored('blob-a', '2026-11-27T12:02:00.000Z')).toBeUndefined();
      expect(await repository.get('blob-b')).toEqual(record('blob-b'));
    });

    it('frees the Idempotency-Key of a deleted blob: the same request then creates a new blob', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(recordUnderKey('blob-a'), underKey('blob-a', 'hash-a'));

      await repository.delete(recordUnderKey('blob-a'));

      expect(await repository.findIdempotent('tnt_a', 'order-42')).toBeUndefined();
      expect(await repository.create(recordUnderKey('blob-b'), underKey('blob-b', 'hash-a'))).toEqual({
        created: true,
      });
    });

    it('leaves the keys of the same name the blob does not hold: claimed afresh since, or another tenant’s', async () => {
      let clock = T0;
      const repository = await build(() => new Date(clock));
      await repository.create(recordUnderKey('blob-a'), underKey('blob-a', 'hash-a'));
      clock = T0 + IDEMPOTENCY_WINDOW_MS + 1;
      await repository.create(recordUnderKey('blob-b'), underKey('blob-b', 'hash-b'));
      const ofTenantC = record('blob-c', { tenant_id: 'tnt_c', idempotency_key: 'order-42' });
      await repository.create(ofTenantC, underKey('blob-c', 'hash-c'));

      await repository.delete(recordUnderKey('blob-a'));

      expect(await repository.findIdempotent('tnt_a', 'order-42')).toEqual(heldBy('blob-b', 'hash-b'));
      expect(await repository.findIdempotent('tnt_c', 'order-42')).toEqual(heldBy('blob-c', 'hash-c'));
    });

    it('takes the delete of a blob already deleted, or never saved, as done', async () => {
      const repository = await build(() => new Date(T0));
      await repository.create(recordUnderKey('blob-a'), underKey('blob-a', 'hash-a'));
      await repository.delete(recordUnderKey('blob-a'));

      await expect(repository.delete(recordUnderKey('blob-a'))).resolves.toBeUndefined();
      await expect(repository.delete(record('blob-unknown'))).resolves.toBeUndefined();
    });

    it('lets exactly one of two concurrent requests claim a key', async () => {
      const repository = await build(() => new Date(T0));
      const results = await Promise.all([
        repository.create(record('blob-a'), underKey('blob-a', 'hash-a')),
        repository.create(record('blob-b'), underKey('blob-b', 'hash-b')),
      ]);
      const winner = results.findIndex((result) => result.created);
      const loser = results[1 - winner];
      expect(results.filter((result) => result.created)).toHaveLength(1);
      const winnerId = winner === 0 ? 'blob-a' : 'blob-b';
      expect(loser).toEqual({
        created: false,
        existing: heldBy(winnerId, winner === 0 ? 'hash-a' : 'hash-b'),
      });
      expect(await repository.get(winner === 0 ? 'blob-b' : 'blob-a')).toBeUndefined();
    });
  });
};
