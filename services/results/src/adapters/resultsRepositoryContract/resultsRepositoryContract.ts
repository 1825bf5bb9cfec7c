import { describe, expect, it } from '@jest/globals';
import type { BlobStatus, BlobView } from '@imgrec/shared';
import type { ResultsRecord, ResultsRepository } from '../../ports.js';
import {
  SAMPLE_TENANT_ID,
  callbackDelivered,
  succeededView as sampleSucceededView,
  viewWith as sampleView,
} from '../../testing/sampleViews.js';

export const CONTRACT_BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

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
      expect(await repository.get(CONTRACT_BLOB_ID)).toBeUndefined();
      expect(await repository.apply(CONTRACT_BLOB_ID, () => undefined)).toBeUndefined();
    });

    it('creates the record on the first write and serves its view, labels and all', async () => {
      const { repository } = await build();
      expect(await repository.apply(CONTRACT_BLOB_ID, () => owned({ view: succeededView }))).toStrictEqual(
        owned({ view: succeededView }),
      );
      expect(await repository.get(CONTRACT_BLOB_ID)).toStrictEqual(served(succeededView));
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
      expect(await repository.get(CONTRACT_BLOB_ID)).toStrictEqual(served(viewWith('processing')));
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
      expect(await repository.get(CONTRACT_BLOB_ID)).toBeUndefined();
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
      expect(await repository.get(CONTRACT_BLOB_ID)).toStrictEqual(served(succeededView));
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
      expect(await repository.get(CONTRACT_BLOB_ID)).toStrictEqual(served(viewWith('processing')));
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
      expect(await repository.get(CONTRACT_BLOB_ID)).toStrictEqual(served(viewWith('awaiting_upload')));
    });
  });
};
