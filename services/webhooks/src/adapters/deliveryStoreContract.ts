import { describe, expect, it } from '@jest/globals';
import type { Delivery, NewDelivery } from '../delivery/delivery.js';
import type { DeliveryStore } from '../ports.js';

const T0 = new Date('2026-11-27T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const newDelivery = (blobId = 'blob_1'): NewDelivery => ({
  blobId,
  tenantId: 'tenant_a',
  webhookId: `msg_${blobId}`,
  url: 'https://hooks.example.com/',
  eventType: 'blob.labels_detected',
  payload: '{"type":"blob.labels_detected"}',
  now: T0,
});

const tombstone = (deletedAt: Date, createdAt: Date = T0) => ({
  blobId: 'blob_1',
  tenantId: 'tenant_a',
  status: 'deleted',
  deletedAt: deletedAt.toISOString(),
  createdAt: createdAt.toISOString(),
  updatedAt: deletedAt.toISOString(),
});

const deletion = (at: Date) => ({ tenantId: 'tenant_a', deletedAt: at.toISOString(), now: at });

const claimed = async (store: DeliveryStore, messageId: string, now: Date): Promise<Delivery> => {
  const claim = await store.claim('blob_1', { messageId, now });
  if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
  return claim.delivery;
};

/** A delivery whose first attempt failed for good: a 410, or (deadLetter) the end of its schedule. */
const failedDelivery = async (store: DeliveryStore, statusCode: number, deadLetter: boolean): Promise<void> => {
  await store.create(newDelivery());
  await claimed(store, 'm1', at(0));
  const error = `HTTP ${statusCode}`;
  await store.recordAttempt('blob_1', 1, { result: 'failed', statusCode, error, deadLetter }, at(1));
};

/**
 * The DeliveryStore port's contract: run it against every adapter (SQLite, and DynamoDB on dynalite) so they all
 * keep the rules deliverCallback relies on. `build` returns an empty store for each test.
 */
export const describeDeliveryStoreContract = (adapter: string, build: () => DeliveryStore | Promise<DeliveryStore>) => {
  describe(`DeliveryStore contract: ${adapter}`, () => {
    it('creates one delivery per blob and returns the first one to a second create', async () => {
      const store = await build();
      const first = await store.create(newDelivery());
      expect(first.created).toBe(true);
      expect(first.delivery).toMatchObject({
        blobId: 'blob_1',
        tenantId: 'tenant_a',
        webhookId: 'msg_blob_1',
        status: 'pending',
        attempts: 0,
        cycleAttempts: 0,
        ownerMessageId: undefined,
        deadLetter: false,
        outcomePublished: false,
        createdAt: T0.toISOString(),
      });
      const second = await store.create({
        ...newDelivery(),
        tenantId: 'tenant_b',
        payload: '{"other":true}',
        now: at(5),
      });
      expect(second).toEqual({ created: false, delivery: first.delivery });
      expect(await store.get('blob_1')).toEqual(first.delivery);
      expect(await store.get('blob_2')).toBeUndefined();
    });

    it('creates a delivery once when two outcome events race for it', async () => {
      const store = await build();
      const [first, second] = await Promise.all([
        store.create(newDelivery()),
        store.create({ ...newDelivery(), payload: '{"other":true}' }),
      ]);
      expect([first.created, second.created].sort()).toEqual([false, true]);
      expect(second.delivery).toEqual(first.delivery);
    });

    it('lets the first message claim an attempt and makes it the owner; a copy is a duplicate', async () => {
      const store = await build();
      await store.create(newDelivery());
      const delivery = await claimed(store, 'm1', at(1));
      expect(delivery).toMatchObject({
        attempts: 1,
        cycleAttempts: 1,
        ownerMessageId: 'm1',
        lastAttemptAt: at(1).toISOString(),
      });
      expect(await store.claim('blob_1', { messageId: 'm2', now: at(2) })).toMatchObject({ kind: 'duplicate' });
      expect(await store.claim('missing', { messageId: 'm1', now: at(2) })).toEqual({ kind: 'missing' });
    });

    it('lets exactly one of two messages racing for a delivery claim it', async () => {
      const store = await build();
      await store.create(newDelivery());
      const claims = await Promise.all([
        store.claim('blob_1', { messageId: 'm1', now: at(1) }),
        store.claim('blob_1', { messageId: 'm2', now: at(1) }),
      ]);
      expect(claims.map((claim) => claim.kind).sort()).toEqual(['claimed', 'duplicate']);
      expect(await store.get('blob_1')).toMatchObject({ attempts: 1, cycleAttempts: 1 });
    });

    it('records a retry and refuses the owner until the next attempt is due', async () => {
      const store = await build();
      await store.create(newDelivery());
      await claimed(store, 'm1', at(0));
      const retry = await store.recordAttempt(
        'blob_1',
        1,
        { result: 'retry', statusCode: 500, error: 'HTTP 500', nextAttemptAt: at(5).toISOString() },
        at(1),
      );
      expect(retry).toMatchObject({
        status: 'pending',
        lastStatusCode: 500,
        lastError: 'HTTP 500',
        nextAttemptAt: at(5).toISOString(),
      });
      expect(await store.claim('blob_1', { messageId: 'm1', now: at(3) })).toMatchObject({
        kind: 'early',
        retryAt: at(5).toISOString(),
      });
      expect(await claimed(store, 'm1', at(5))).toMatchObject({ attempts: 2, cycleAttempts: 2 });
    });

    it('records an outcome only for the attempt that was claimed, once', async () => {
      const store = await build();
      await store.create(newDelivery());
      await claimed(store, 'm1', at(0));
      expect(await store.recordAttempt('blob_1', 2, { result: 'delivered', statusCode: 200 }, at(1))).toBeUndefined();
      const delivered = await store.recordAttempt('blob_1', 1, { result: 'delivered', statusCode: 204 }, at(1));
      expect(delivered).toMatchObject({ status: 'delivered', lastStatusCode: 204, lastError: undefined });
      expect(await store.recordAttempt('blob_1', 1, { result: 'delivered', statusCode: 200 }, at(2))).toBeUndefined();
      expect(await store.claim('blob_1', { messageId: 'm1', now: at(3) })).toMatchObject({ kind: 'finished' });
    });

    it('remembers that the outcome was announced', async () => {
      const store = await build();
      await failedDelivery(store, 410, false);
      await store.markOutcomePublished('blob_1');
      expect(await store.get('blob_1')).toMatchObject({ status: 'failed', deadLetter: false, outcomePublished: true });
    });

    it('resets a failed delivery for a redrive, keeping its id and attempt count; a delivered one stays', async () => {
      const store = await build();
      await failedDelivery(store, 500, true);
      await store.markOutcomePublished('blob_1');
      const reset = await store.resetForRedrive('blob_1', at(60));
      expect(reset).toMatchObject({
        webhookId: 'msg_blob_1',
        status: 'pending',
        attempts: 1,
        cycleAttempts: 0,
        ownerMessageId: undefined,
        nextAttemptAt: undefined,
        deadLetter: false,
        outcomePublished: false,
        lastStatusCode: 500,
      });
      // Any message may own it again, such as the one moved back from the DLQ.
      expect(await claimed(store, 'm-redriven', at(61))).toMatchObject({ attempts: 2, cycleAttempts: 1 });
      await store.recordAttempt('blob_1', 2, { result: 'delivered', statusCode: 200 }, at(62));
      expect(await store.resetForRedrive('blob_1', at(70))).toBeUndefined();
      expect(await store.resetForRedrive('unknown', at(70))).toBeUndefined();
    });

    it('turns a pending delivery into a tombstone that keeps nothing it could send; a second delete changes nothing', async () => {
      const store = await build();
      await store.create(newDelivery());
      await claimed(store, 'm1', at(1));

      expect(await store.markDeleted('blob_1', deletion(at(10)))).toBe('pending');
      expect(await store.get('blob_1')).toStrictEqual(tombstone(at(10)));
      // The attempt that was in flight when the blob was deleted records nothing.
      expect(await store.recordAttempt('blob_1', 1, { result: 'delivered', statusCode: 200 }, at(11))).toBeUndefined();
      expect(await store.markDeleted('blob_1', deletion(at(20)))).toBe('deleted');
      expect(await store.get('blob_1')).toStrictEqual(tombstone(at(10)));
    });

    it('drops every later message, outcome and redrive of a deleted blob', async () => {
      const store = await build();
      await failedDelivery(store, 500, true);
      expect(await store.markDeleted('blob_1', deletion(at(10)))).toBe('failed');

      expect(await store.claim('blob_1', { messageId: 'm1', now: at(11) })).toEqual({
        kind: 'deleted',
        tombstone: tombstone(at(10)),
      });
      expect(await store.claim('blob_1', { messageId: 'm2', now: at(11) })).toMatchObject({ kind: 'deleted' });
      expect(await store.resetForRedrive('blob_1', at(12))).toBeUndefined();
      await store.markOutcomePublished('blob_1');
      expect(await store.create({ ...newDelivery(), now: at(13) })).toEqual({
        created: false,
        delivery: tombstone(at(10)),
      });
      expect(await store.get('blob_1')).toStrictEqual(tombstone(at(10)));
    });

    it('leaves a tombstone for a blob deleted before its outcome, so the outcome creates no delivery', async () => {
      const store = await build();

      expect(await store.markDeleted('blob_1', deletion(at(5)))).toBeUndefined();
      expect(await store.get('blob_1')).toStrictEqual(tombstone(at(5), at(5)));
      expect(await store.create({ ...newDelivery(), now: at(6) })).toEqual({
        created: false,
        delivery: tombstone(at(5), at(5)),
      });
    });

    it('ends with a tombstone when a delete races a claim, whichever wins', async () => {
      const store = await build();
      await store.create(newDelivery());
      const [claim] = await Promise.all([
        store.claim('blob_1', { messageId: 'm1', now: at(1) }),
        store.markDeleted('blob_1', deletion(at(1))),
      ]);

      expect(['claimed', 'deleted']).toContain(claim.kind);
      expect(await store.get('blob_1')).toStrictEqual(tombstone(at(1)));
    });
  });
};
