import { describe, expect, it } from '@jest/globals';
import type { BlobStatus, BlobView } from '@imgrec/shared';
import { positionOf } from '../../listPosition/listPosition.js';
import type { ListPage, ListQuery, ResultsRecord, ResultsRepository } from '../../ports.js';
import {
  SAMPLE_TENANT_ID,
  callbackDelivered,
  succeededView as sampleSucceededView,
  viewWith as sampleView,
} from '../../testing/sampleViews.js';

export const CONTRACT_BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The record retention every adapter under contract is built with. */
export const CONTRACT_RETENTION = { recordRetentionDays: 90 };

const DAY_MS = 86_400_000;

/** When the contract reads: half an hour after the sample views were created. */
const NOW = new Date('2026-11-27T12:30:00.000Z');

export interface ResultsRepositoryHarness {
  repository: ResultsRepository;
  /**
   * Another writer (another process or invocation) replaces the blob's view, bumping its version the way every
   * adapter write does. Called from inside a `change`; it must land before the repository's next write.
   */
  writeConcurrently(view: BlobView): void;
  /** Another writer creates the blob's record with `view` first. Same timing as writeConcurrently. */
  createConcurrently(view: BlobView): void;
}

const viewWith = (status: BlobStatus) => sampleView(status, CONTRACT_BLOB_ID);

const succeededView = sampleSucceededView(CONTRACT_BLOB_ID);

const delivered = callbackDelivered(CONTRACT_BLOB_ID);

/** The record of the contract's blob, owned by the sample tenant. */
const owned = (parts: Omit<ResultsRecord, 'tenantId'>): ResultsRecord => ({ tenantId: SAMPLE_TENANT_ID, ...parts });

/** What `get` serves for a view of the contract's blob. */
const served = (view: BlobView) => ({ tenantId: SAMPLE_TENANT_ID, view });

/**
 * The ResultsRepository port's contract: run it against every adapter (SQLite, DynamoDB) so that the read model's
 * compare-and-set behaves the same in both modes.
 */
export const describeResultsRepositoryContract = (
  adapter: string,
  build: () => ResultsRepositoryHarness | Promise<ResultsRepositoryHarness>,
) => {
  describe(`ResultsRepository contract: ${adapter}`, () => {
    it('reads nothing for a blob it has never seen', async () => {
      const { repository } = await build();
      expect(await repository.get(CONTRACT_BLOB_ID, NOW)).toBeUndefined();
      expect(await repository.apply(CONTRACT_BLOB_ID, () => undefined)).toBeUndefined();
    });

    it('creates the record on the first write and serves its view, labels and all', async () => {
      const { repository } = await build();
      expect(await repository.apply(CONTRACT_BLOB_ID, () => owned({ view: succeededView }))).toStrictEqual(
        owned({ view: succeededView }),
      );
      expect(await repository.get(CONTRACT_BLOB_ID, NOW)).toStrictEqual(served(succeededView));
    });

    it('hands the stored record to the next change', async () => {
      const { repository } = await build();
      await repository.apply(CONTRACT_BLOB_ID, () => owned({ view: viewWith('awaiting_upload') }));
      const seen: (ResultsRecord | undefined)[] = [];
      await repository.apply(CONTRACT_BLOB_ID, (current) => {
        seen.push(current);
        return owned({ view: viewWith('processing') });
      });
      expect(seen).toStrictEqual([owned({ view: viewWith('awaiting_upload') })]);
      expect(await repository.get(CONTRACT_BLOB_ID, NOW)).toStrictEqual(served(viewWith('processing')));
    });

    it('writes nothing when the change returns undefined, and resolves to the record as stored', async () => {
      const { repository } = await build();
      await repository.apply(CONTRACT_BLOB_ID, () => owned({ view: viewWith('processing') }));
      expect(await repository.apply(CONTRACT_BLOB_ID, () => undefined)).toStrictEqual(
        owned({ view: viewWith('processing') }),
      );
    });

    it('keeps early callback outcomes with no view, and serves no view for them', async () => {
      const { repository } = await build();
      await repository.apply(CONTRACT_BLOB_ID, () => owned({ earlyCallbackOutcomes: [delivered] }));
      expect(await repository.get(CONTRACT_BLOB_ID, NOW)).toBeUndefined();
      expect(await repository.apply(CONTRACT_BLOB_ID, () => undefined)).toStrictEqual(
        owned({ earlyCallbackOutcomes: [delivered] }),
      );
    });

    it('recomputes on the fresh record when another writer got in between, so state cannot regress', async () => {
      const { repository, writeConcurrently } = await build();
      await repository.apply(CONTRACT_BLOB_ID, () => owned({ view: viewWith('awaiting_upload') }));
      const statusesSeen: (BlobStatus | undefined)[] = [];

      const stored = await repository.apply(CONTRACT_BLOB_ID, (current) => {
        statusesSeen.push(current?.view?.status);
        if (statusesSeen.length === 1) writeConcurrently(succeededView);
        // The BlobCreated rule: only an awaiting_upload blob moves to processing.
        return current?.view?.status === 'awaiting_upload' ? owned({ view: viewWith('processing') }) : undefined;
      });

      expect(statusesSeen).toStrictEqual(['awaiting_upload', 'succeeded']);
      expect(stored).toStrictEqual(owned({ view: succeededView }));
      expect(await repository.get(CONTRACT_BLOB_ID, NOW)).toStrictEqual(served(succeededView));
    });

    it('recomputes as an update when another writer created the record first', async () => {
      const { repository, createConcurrently } = await build();
      const statusesSeen: (BlobStatus | undefined)[] = [];

      await repository.apply(CONTRACT_BLOB_ID, (current) => {
        statusesSeen.push(current?.view?.status);
        if (statusesSeen.length === 1) createConcurrently(viewWith('processing'));
        return current === undefined ? owned({ view: viewWith('awaiting_upload') }) : undefined;
      });

      expect(statusesSeen).toStrictEqual([undefined, 'processing']);
      expect(await repository.get(CONTRACT_BLOB_ID, NOW)).toStrictEqual(served(viewWith('processing')));
    });

    it('gives up with an error when every write loses to another writer', async () => {
      const { repository, writeConcurrently } = await build();
      await repository.apply(CONTRACT_BLOB_ID, () => owned({ view: viewWith('awaiting_upload') }));
      await expect(
        repository.apply(CONTRACT_BLOB_ID, () => {
          writeConcurrently(viewWith('awaiting_upload'));
          return owned({ view: viewWith('processing') });
        }),
      ).rejects.toThrow(`results for blob ${CONTRACT_BLOB_ID} kept changing under concurrent writers`);
      expect(await repository.get(CONTRACT_BLOB_ID, NOW)).toStrictEqual(served(viewWith('awaiting_upload')));
    });
  });

  describe(`ResultsRepository contract, list and lifecycle: ${adapter}`, () => {
    const OTHER_TENANT_ID = 'tnt_other';

    /** A 22-character blob id ending in `suffix`. */
    const blobId = (suffix: string) => suffix.padStart(22, 'b');

    /** Records a blob of `tenantId` created at `createdAt`, as the events about it would leave it. */
    const createBlob = async (
      repository: ResultsRepository,
      id: string,
      createdAt: string,
      {
        status = 'succeeded',
        expiresAt,
        tenantId = SAMPLE_TENANT_ID,
      }: Partial<{
        status: Exclude<BlobStatus, 'expired'>;
        expiresAt: string;
        tenantId: string;
      }> = {},
    ) => {
      const record: ResultsRecord = {
        tenantId,
        view: { ...sampleView(status, id), created_at: createdAt, updated_at: createdAt },
        ...(expiresAt !== undefined && { expiresAt }),
      };
      await repository.apply(id, () => record);
    };

    const deleteBlob = (repository: ResultsRepository, id: string, deletedAt: string) =>
      repository.apply(id, (current) => ({ tenantId: current?.tenantId ?? SAMPLE_TENANT_ID, deletedAt }));

    /** Where a page ends: the next page starts after it. */
    const endOf = (page: ListPage) => {
      const last = page.items.at(-1);
      if (last === undefined) throw new Error('the page is empty');
      return positionOf(last.view);
    };

    const idsOf = (page: ListPage) => page.items.map((item) => item.view.blob_id);

    const list = (repository: ResultsRepository, query: Partial<ListQuery> = {}, tenantId = SAMPLE_TENANT_ID) =>
      repository.list(tenantId, { limit: 20, now: NOW, ...query });

    it('lists a tenant’s blobs newest first, and by blob id, descending, among blobs created at the same time', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('b'), '2026-11-27T12:00:01.000Z');
      await createBlob(repository, blobId('d'), '2026-11-27T12:00:00.000Z');
      await createBlob(repository, blobId('a'), '2026-11-27T12:00:02.000Z');
      await createBlob(repository, blobId('c'), '2026-11-27T12:00:02.000Z');

      const page = await list(repository);

      expect(idsOf(page)).toStrictEqual([blobId('c'), blobId('a'), blobId('b'), blobId('d')]);
      expect(page.more).toBe(false);
    });

    it('orders by time whatever precision an event wrote created_at with', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('s'), '2026-11-27T12:00:01Z');
      await createBlob(repository, blobId('m'), '2026-11-27T12:00:01.500Z');

      expect(idsOf(await list(repository))).toStrictEqual([blobId('m'), blobId('s')]);
    });

    it('lists each blob as get serves it: owner, view and upload expiry', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('w'), '2026-11-27T12:00:00.000Z', {
        status: 'awaiting_upload',
        expiresAt: '2026-11-27T12:10:00.000Z',
      });
      await createBlob(repository, blobId('s'), '2026-11-27T11:00:00.000Z');

      const page = await list(repository);

      expect(page.items).toStrictEqual([
        await repository.get(blobId('w'), NOW),
        await repository.get(blobId('s'), NOW),
      ]);
      expect(page.items[0]?.expiresAt).toBe('2026-11-27T12:10:00.000Z');
    });

    it('pages by keyset: each page starts after the position it is given and says whether more follow', async () => {
      const { repository } = await build();
      for (const [index, suffix] of ['1', '2', '3', '4', '5'].entries()) {
        await createBlob(repository, blobId(suffix), `2026-11-27T12:00:0${index}.000Z`);
      }

      const first = await list(repository, { limit: 2 });
      // Blobs created during the walk are newer than every position: they never shift the pages that follow.
      await createBlob(repository, blobId('6'), '2026-11-27T12:00:06.000Z');
      await createBlob(repository, blobId('7'), '2026-11-27T12:00:06.000Z');
      const second = await list(repository, { limit: 2, after: endOf(first) });
      await createBlob(repository, blobId('8'), '2026-11-27T12:00:07.000Z');
      const third = await list(repository, { limit: 2, after: endOf(second) });

      expect([idsOf(first), idsOf(second), idsOf(third)]).toStrictEqual([
        [blobId('5'), blobId('4')],
        [blobId('3'), blobId('2')],
        [blobId('1')],
      ]);
      expect([first.more, second.more, third.more]).toStrictEqual([true, true, false]);
    });

    it('says no more follow when the page holds exactly the blobs that are left', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('1'), '2026-11-27T12:00:00.000Z');
      await createBlob(repository, blobId('2'), '2026-11-27T12:00:01.000Z');

      const page = await list(repository, { limit: 2 });

      expect(idsOf(page)).toStrictEqual([blobId('2'), blobId('1')]);
      expect(page.more).toBe(false);
    });

    it('filters by status as served: a blob awaiting its upload is expired from its expiry on', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('waiting'), '2026-11-27T12:29:00.000Z', {
        status: 'awaiting_upload',
        expiresAt: '2026-11-27T12:39:00.000Z',
      });
      await createBlob(repository, blobId('expiredNow'), '2026-11-27T12:20:00.000Z', {
        status: 'awaiting_upload',
        expiresAt: NOW.toISOString(),
      });
      await createBlob(repository, blobId('expired'), '2026-11-27T12:10:00.000Z', {
        status: 'awaiting_upload',
        expiresAt: '2026-11-27T12:20:00.000Z',
      });
      for (const status of ['processing', 'succeeded', 'failed'] as const) {
        await createBlob(repository, blobId(status), '2026-11-27T12:00:00.000Z', {
          status,
          expiresAt: '2026-11-27T12:10:00.000Z',
        });
      }

      const listed = async (status: BlobStatus) => idsOf(await list(repository, { status }));

      expect(await listed('awaiting_upload')).toStrictEqual([blobId('waiting')]);
      expect(await listed('expired')).toStrictEqual([blobId('expiredNow'), blobId('expired')]);
      expect(await listed('processing')).toStrictEqual([blobId('processing')]);
      expect(await listed('succeeded')).toStrictEqual([blobId('succeeded')]);
      expect(await listed('failed')).toStrictEqual([blobId('failed')]);
      // The same blob a minute earlier: its upload URL was still valid.
      const earlier = new Date(NOW.getTime() - 60_000);
      expect(idsOf(await list(repository, { status: 'awaiting_upload', now: earlier }))).toStrictEqual([
        blobId('waiting'),
        blobId('expiredNow'),
      ]);
    });

    it('pages through a status filter by keyset too', async () => {
      const { repository } = await build();
      for (const [index, suffix] of ['1', '2', '3', '4', '5', '6'].entries()) {
        await createBlob(repository, blobId(suffix), `2026-11-27T12:00:0${index}.000Z`, {
          status: index % 2 === 0 ? 'failed' : 'succeeded',
        });
      }

      const first = await list(repository, { status: 'failed', limit: 2 });
      const second = await list(repository, {
        status: 'failed',
        limit: 2,
        after: endOf(first),
      });

      expect([idsOf(first), first.more, idsOf(second), second.more]).toStrictEqual([
        [blobId('5'), blobId('3')],
        true,
        [blobId('1')],
        false,
      ]);
    });

    it('never lists another tenant’s blobs', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('mine1'), '2026-11-27T12:00:00.000Z');
      await createBlob(repository, blobId('theirs1'), '2026-11-27T12:00:01.000Z', { tenantId: OTHER_TENANT_ID });
      await createBlob(repository, blobId('mine2'), '2026-11-27T12:00:02.000Z');
      await createBlob(repository, blobId('theirs2'), '2026-11-27T12:00:03.000Z', { tenantId: OTHER_TENANT_ID });

      expect(idsOf(await list(repository))).toStrictEqual([blobId('mine2'), blobId('mine1')]);
      expect(idsOf(await list(repository, { limit: 1 }, OTHER_TENANT_ID))).toStrictEqual([blobId('theirs2')]);
      expect(idsOf(await list(repository, {}, 'tnt_nobody'))).toStrictEqual([]);
    });

    it('lists no blob that has only callback outcomes so far', async () => {
      const { repository } = await build();
      await repository.apply(CONTRACT_BLOB_ID, () => owned({ earlyCallbackOutcomes: [delivered] }));

      expect(await list(repository)).toStrictEqual({ items: [], more: false });
    });

    it('keeps a tombstone, which neither get nor the list serves', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('kept'), '2026-11-27T12:00:00.000Z');
      await createBlob(repository, blobId('deleted'), '2026-11-27T12:00:01.000Z');

      await deleteBlob(repository, blobId('deleted'), '2026-11-27T12:20:00.000Z');

      expect(await repository.get(blobId('deleted'), NOW)).toBeUndefined();
      expect(idsOf(await list(repository))).toStrictEqual([blobId('kept')]);
      expect(await repository.apply(blobId('deleted'), () => undefined)).toStrictEqual({
        tenantId: SAMPLE_TENANT_ID,
        deletedAt: '2026-11-27T12:20:00.000Z',
      });
    });

    it('treats a blob as gone once its record retention has passed, whether or not it was removed yet', async () => {
      const { repository } = await build();
      const createdAt = '2026-11-27T12:00:00.000Z';
      await createBlob(repository, blobId('old'), createdAt);
      const retainedUntil = Date.parse(createdAt) + CONTRACT_RETENTION.recordRetentionDays * DAY_MS;
      const lastMoment = new Date(retainedUntil - 1000);
      const past = new Date(retainedUntil);

      expect(await repository.get(blobId('old'), lastMoment)).toBeDefined();
      expect(idsOf(await list(repository, { now: lastMoment }))).toStrictEqual([blobId('old')]);
      expect(await repository.get(blobId('old'), past)).toBeUndefined();
      expect(await list(repository, { now: past })).toStrictEqual({ items: [], more: false });
    });

    it('reads past the blobs whose retention has passed to tell whether more follow', async () => {
      const { repository } = await build();
      await createBlob(repository, blobId('new'), '2026-12-31T00:00:00.000Z');
      for (const suffix of ['old1', 'old2', 'old3']) {
        await createBlob(repository, blobId(suffix), '2026-11-27T12:00:00.000Z');
      }
      const now = new Date(Date.parse('2026-11-27T12:00:00.000Z') + CONTRACT_RETENTION.recordRetentionDays * DAY_MS);

      const page = await list(repository, { limit: 1, now });

      expect(idsOf(page)).toStrictEqual([blobId('new')]);
      expect(page.more).toBe(false);
    });
  });
};
