import { beforeEach, describe, expect, it } from '@jest/globals';
import { createUpload, type CreateUploadCommand } from '../createUpload/createUpload.js';
import { useLocalUploads } from '../testing/localUploads.js';
import { sweepExpiredUploads } from './sweepExpiredUploads.js';

const T0 = Date.parse('2026-11-27T12:00:00.000Z');
const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

describe('sweepExpiredUploads', () => {
  let clock: number;
  const uploads = useLocalUploads(() => new Date(clock));

  beforeEach(() => {
    clock = T0;
  });

  /** POST /blobs by a tenant with a daily quota, under an Idempotency-Key, at the clock's time. */
  const create = (command: Partial<CreateUploadCommand> = {}) =>
    createUpload(
      {
        caller: { tenantId: 'tnt_acme', maxBlobsPerDay: 10 },
        request: {},
        idempotencyKey: 'order-42',
        apiBaseUrl: 'https://api.example.com',
        ...command,
      },
      uploads.deps,
    );

  /** The sweep at `at`, with the clock moved there, as the local entry runs it. */
  const sweepAt = (at: number, recordRetentionDays = 90) => {
    clock = at;
    return sweepExpiredUploads(uploads.db, new Date(at), recordRetentionDays);
  };

  it('deletes nothing while every record, key and quota count is within its retention', async () => {
    // Prepare
    const { response } = await create();

    // Act
    const deleted = sweepAt(T0 + 11 * 60 * 60 * SECOND);

    // Assess
    expect(deleted).toBe(0);
    expect(await uploads.deps.repository.get(response.blob_id)).toMatchObject({ tenant_id: 'tnt_acme' });
    expect(await uploads.deps.repository.findIdempotent('tnt_acme', 'order-42')).toMatchObject({ response });
  });

  it('deletes the Idempotency-Key after 24 hours and the quota count once its day is over, and keeps the record', async () => {
    // Prepare
    const { response } = await create();

    // Act
    const deleted = sweepAt(T0 + DAY + SECOND);

    // Assess
    expect(deleted).toBe(2);
    expect(await uploads.deps.repository.get(response.blob_id)).toMatchObject({ tenant_id: 'tnt_acme' });
    expect(uploads.db.prepare('SELECT COUNT(*) FROM idempotency_keys').pluck().get()).toBe(0);
    expect(uploads.db.prepare('SELECT COUNT(*) FROM quota_usage').pluck().get()).toBe(0);
  });

  it('deletes an upload record once the record retention has passed, and with it the key that replays it', async () => {
    // Prepare: a retention of two seconds' worth of a day.
    const { response } = await create({ caller: { tenantId: 'tnt_acme', maxBlobsPerDay: undefined } });

    // Act
    const early = sweepAt(T0 + 2 * SECOND, 2 / 86_400);
    const due = sweepAt(T0 + 3 * SECOND, 2 / 86_400);

    // Assess
    expect([early, due]).toEqual([0, 2]);
    expect(await uploads.deps.repository.get(response.blob_id)).toBeUndefined();
    const again = await create({ caller: { tenantId: 'tnt_acme', maxBlobsPerDay: undefined } });
    expect(again.replayed).toBe(false);
    expect(again.response.blob_id).not.toBe(response.blob_id);
  });

  it('keeps records for 90 days by the default retention, and deletes them after', async () => {
    // Prepare
    const { response } = await create({ idempotencyKey: undefined });
    sweepAt(T0 + DAY + SECOND);

    // Act
    const kept = sweepAt(T0 + 90 * DAY);
    const due = sweepAt(T0 + 90 * DAY + 1);

    // Assess
    expect([kept, due]).toEqual([0, 1]);
    expect(await uploads.deps.repository.get(response.blob_id)).toBeUndefined();
  });
});
