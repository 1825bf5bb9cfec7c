import { describe, expect, it } from '@jest/globals';
import { reduceBlobView, type CallbackOutcomeEvent, type DomainEvent } from '@imgrec/shared';
import type { ResultsRecord } from '../ports.js';
import { reduceResultsRecord } from './reduceResultsRecord.js';

const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const OWNER = 'tnt_owner';
const NOW = '2026-11-27T12:05:00.000Z';

const labelsDetected: DomainEvent = {
  detailType: 'LabelsDetected',
  detail: {
    blob_id: BLOB_ID,
    tenant_id: OWNER,
    options: { min_confidence: 30, max_labels: 20 },
    callback_url: 'https://hooks.example.com/imgrec',
    created_at: '2026-11-27T12:00:00.000Z',
    labels: ['dog', 'animal'],
    label_details: [{ name: 'dog', confidence: 71, parents: ['animal'], instances: [] }],
    model: { provider: 'local', name: 'centernet', version: 'human-3.3.6' },
    completed_at: '2026-11-27T12:02:00.000Z',
  },
};

const requestedDetail = {
  blob_id: BLOB_ID,
  tenant_id: OWNER,
  options: { min_confidence: 30, max_labels: 20 },
  created_at: '2026-11-27T12:00:00.000Z',
  content_type: 'image/png',
  expires_at: '2026-11-27T12:10:00.000Z',
} as const;

const blobRequestedWithoutCallback: DomainEvent = { detailType: 'BlobRequested', detail: requestedDetail };

const blobRequested: DomainEvent = {
  detailType: 'BlobRequested',
  detail: { ...requestedDetail, callback_url: 'https://hooks.example.com/imgrec' },
};

const failedAt = (lastAttemptAt: string): CallbackOutcomeEvent => ({
  detailType: 'CallbackFailed',
  detail: {
    blob_id: BLOB_ID,
    tenant_id: OWNER,
    webhook_id: 'msg_1',
    attempts: 8,
    last_attempt_at: lastAttemptAt,
    last_status_code: 503,
  },
});

const delivered: CallbackOutcomeEvent = {
  detailType: 'CallbackDelivered',
  detail: {
    blob_id: BLOB_ID,
    tenant_id: OWNER,
    webhook_id: 'msg_1',
    attempts: 2,
    last_attempt_at: '2026-11-27T12:03:00.000Z',
    last_status_code: 204,
  },
};

const blobDeleted: DomainEvent = {
  detailType: 'BlobDeleted',
  detail: { blob_id: BLOB_ID, tenant_id: OWNER, deleted_at: '2026-11-27T12:04:00.000Z' },
};

const TOMBSTONE: ResultsRecord = { tenantId: OWNER, deletedAt: '2026-11-27T12:04:00.000Z' };

const fold = (events: DomainEvent[]): ResultsRecord | undefined =>
  events.reduce<ResultsRecord | undefined>(
    (record, event) => reduceResultsRecord(record, event, NOW) ?? record,
    undefined,
  );

describe('reduceResultsRecord', () => {
  it('builds the view from a lifecycle event exactly as reduceBlobView does', () => {
    expect(reduceResultsRecord(undefined, labelsDetected, NOW)).toStrictEqual({
      tenantId: OWNER,
      view: reduceBlobView(undefined, labelsDetected, NOW),
    });
  });

  it('keeps the owner the first event named, whatever a later event says', () => {
    const claimed: DomainEvent = { ...labelsDetected, detail: { ...labelsDetected.detail, tenant_id: 'tnt_other' } };
    expect(fold([blobRequested, claimed])?.tenantId).toBe(OWNER);
    expect(fold([delivered, claimed])?.tenantId).toBe(OWNER);
  });

  it('moves an existing view forward and reports no change for a stale event', () => {
    const requested = fold([blobRequested]);
    expect(reduceResultsRecord(requested, labelsDetected, NOW)?.view?.status).toBe('succeeded');
    const succeeded = fold([blobRequested, labelsDetected]);
    expect(reduceResultsRecord(succeeded, blobRequested, NOW)).toBeUndefined();
  });

  it('keeps a callback outcome that arrives before any view', () => {
    expect(reduceResultsRecord(undefined, delivered, NOW)).toStrictEqual({
      tenantId: OWNER,
      earlyCallbackOutcomes: [delivered],
    });
  });

  it('keeps a duplicated early outcome once', () => {
    const record = fold([delivered]);
    expect(reduceResultsRecord(record, delivered, NOW)).toBeUndefined();
  });

  it('CallbackDelivered before every lifecycle event: the view appears already delivered', () => {
    expect(fold([delivered, labelsDetected])).toStrictEqual({
      tenantId: OWNER,
      view: {
        ...reduceBlobView(undefined, labelsDetected, NOW),
        callback: {
          url: 'https://hooks.example.com/imgrec',
          status: 'delivered',
          attempts: 2,
          last_attempt_at: '2026-11-27T12:03:00.000Z',
          last_status_code: 204,
        },
      },
    });
  });

  it('replays several early outcomes to the same callback state whatever their arrival order', () => {
    const outcomes = [failedAt('2026-11-28T12:00:00.000Z'), delivered, failedAt('2026-11-29T12:00:00.000Z')];
    const expected = fold([labelsDetected, ...outcomes]);
    expect(expected?.view?.callback?.status).toBe('delivered');
    expect(fold([...outcomes, labelsDetected])).toStrictEqual(expected);
    expect(fold([...[...outcomes].reverse(), labelsDetected])).toStrictEqual(expected);
  });

  it('drops the early outcomes once the view exists: they live in the view from then on', () => {
    const record = fold([failedAt('2026-11-28T12:00:00.000Z'), blobRequested]);
    expect(record).not.toHaveProperty('earlyCallbackOutcomes');
    expect(record?.view?.callback).toMatchObject({ status: 'failed', attempts: 8 });
  });

  it('drops an early outcome for a blob that, as its view then shows, asked for no callback', () => {
    const view = fold([delivered, blobRequestedWithoutCallback])?.view;
    expect(view).toBeDefined();
    expect(view).not.toHaveProperty('callback');
  });

  it('keeps the upload URL’s expiry from BlobRequested, as an ISO timestamp, through later changes', () => {
    const requested = reduceResultsRecord(
      undefined,
      { ...blobRequested, detail: { ...requestedDetail, expires_at: '2026-11-27T12:10:00Z' } },
      NOW,
    );
    expect(requested?.expiresAt).toBe('2026-11-27T12:10:00.000Z');
    expect(reduceResultsRecord(requested, labelsDetected, NOW)?.expiresAt).toBe('2026-11-27T12:10:00.000Z');
    expect(fold([delivered, blobRequested])?.expiresAt).toBe('2026-11-27T12:10:00.000Z');
  });

  it('turns the record into a tombstone of its owner and the deletion time on BlobDeleted', () => {
    expect(fold([blobRequested, labelsDetected, blobDeleted])).toStrictEqual(TOMBSTONE);
    expect(fold([delivered, blobDeleted])).toStrictEqual(TOMBSTONE);
  });

  it('leaves a tombstone for a BlobDeleted that arrives before any other event', () => {
    expect(reduceResultsRecord(undefined, blobDeleted, NOW)).toStrictEqual(TOMBSTONE);
  });

  it('drops every event after the deletion, so that nothing brings the blob back', () => {
    const late = [blobRequested, labelsDetected, delivered, failedAt('2026-11-28T12:00:00.000Z'), blobDeleted];
    for (const event of late) expect(reduceResultsRecord(TOMBSTONE, event, NOW)).toBeUndefined();
    expect(fold([blobDeleted, labelsDetected, delivered, blobRequested])).toStrictEqual(TOMBSTONE);
  });
});
