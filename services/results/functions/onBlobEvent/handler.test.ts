import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { EVENT_SOURCES, EventSchemaError, type BusEvent, type DetailType, type EventDetail } from '@imgrec/shared';
import { captureLogs, lambdaContextOf, type CapturedLogs } from '@imgrec/shared/testing';
import { buildSqliteResultsRepository } from '../../src/adapters/sqliteResultsRepository/sqliteResultsRepository.js';
import type { ResultsRepository } from '../../src/ports.js';
import { buildHandler } from './handler.js';
import { sampleLabelDetails } from '../../src/testing/sampleViews.js';

const BLOB_ID = 'q1Xw3-_9ZkLmNoPqRsTuVw';
const OTHER_BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const CALLBACK_URL = 'https://hooks.example.com/imgrec';
const TENANT_ID = 'tnt_owner';
const blobFacts = {
  blob_id: BLOB_ID,
  tenant_id: TENANT_ID,
  options: { min_confidence: 55, max_labels: 20, features: ['labels' as const] },
  callback_url: CALLBACK_URL,
  created_at: '2026-11-27T12:00:00.000Z',
};

const details: { [T in DetailType]: EventDetail<T> } = {
  BlobRequested: { ...blobFacts, content_type: 'image/jpeg', expires_at: '2026-11-27T12:10:00.000Z' },
  BlobCreated: { ...blobFacts, key: `uploads/${BLOB_ID}`, size: 48_213, stored_at: '2026-11-27T12:00:30.000Z' },
  LabelsDetected: {
    ...blobFacts,
    labels: ['car', 'vehicle', 'transportation'],
    label_details: sampleLabelDetails,
    model: { provider: 'rekognition', name: 'DetectLabels', version: '3.0' },
    completed_at: '2026-11-27T12:00:32.000Z',
  },
  RecognitionFailed: {
    ...blobFacts,
    error: { code: 'unsupported_image_format', message: 'The upload is not a JPEG or PNG image.', retryable: false },
    completed_at: '2026-11-27T12:00:31.000Z',
  },
  BlobDeleted: { blob_id: BLOB_ID, tenant_id: TENANT_ID, deleted_at: '2026-11-27T12:00:40.000Z' },
  CallbackDelivered: {
    blob_id: BLOB_ID,
    tenant_id: TENANT_ID,
    webhook_id: 'msg_2Ux9bqVzXh7kT1',
    attempts: 1,
    last_attempt_at: '2026-11-27T12:00:33.000Z',
    last_status_code: 204,
  },
  CallbackFailed: {
    blob_id: BLOB_ID,
    tenant_id: TENANT_ID,
    webhook_id: 'msg_2Ux9bqVzXh7kT1',
    attempts: 8,
    last_attempt_at: '2026-11-29T02:00:00.000Z',
    last_status_code: 503,
  },
};

/** The envelope EventBridge hands a Lambda rule target. */
const busEvent = <T extends DetailType>(detailType: T, detail: EventDetail<T> = details[detailType]): BusEvent<T> => ({
  version: '0',
  id: `0d2c5a52-${detailType.length}f3e-4c7b-9a5d-1b2c3d4e5f60`,
  source: EVENT_SOURCES[detailType],
  account: '123456789012',
  time: '2026-11-27T12:00:34Z',
  region: 'eu-west-1',
  resources: [],
  'detail-type': detailType,
  detail,
});

const context = lambdaContextOf('results', 'onBlobEvent');

const READ_AT = new Date('2026-11-27T12:05:00.000Z');

describe('onBlobEvent handler', () => {
  let db: Database.Database;
  let repository: ResultsRepository;
  let clock: number;
  let handle: (event: BusEvent) => Promise<void>;
  let logs: CapturedLogs;

  beforeEach(() => {
    logs = captureLogs();
    db = new Database(':memory:');
    repository = buildSqliteResultsRepository(db, { recordRetentionDays: 90 });
    clock = Date.parse('2026-11-27T12:01:00.000Z');
    // Every delivery sees a later time, so updated_at shows which deliveries changed the view.
    const now = () => new Date((clock += 1000));
    const handler = buildHandler(() => ({ repository, now }));
    handle = (event) => handler(event, context);
  });

  /** The blob's view as GET serves it to its owner, soon after the events. */
  const viewOf = async () => (await repository.get(BLOB_ID, READ_AT))?.view;

  afterEach(() => {
    logs.restore();
    db.close();
  });

  it('records a requested blob as awaiting_upload for its owner, with its options and pending callback', async () => {
    await handle(busEvent('BlobRequested'));

    expect((await repository.get(BLOB_ID, READ_AT))?.tenantId).toBe(TENANT_ID);
    expect(await viewOf()).toStrictEqual({
      blob_id: BLOB_ID,
      status: 'awaiting_upload',
      options: { min_confidence: 55, max_labels: 20, features: ['labels'] },
      callback: { url: CALLBACK_URL, status: 'pending', attempts: 0 },
      created_at: '2026-11-27T12:00:00.000Z',
      updated_at: '2026-11-27T12:01:01.000Z',
    });
  });

  it('follows a blob through the whole success path to a delivered callback', async () => {
    for (const type of ['BlobRequested', 'BlobCreated', 'LabelsDetected', 'CallbackDelivered'] as const) {
      await handle(busEvent(type));
    }

    expect(await viewOf()).toStrictEqual({
      blob_id: BLOB_ID,
      status: 'succeeded',
      labels: ['car', 'vehicle', 'transportation'],
      label_details: details.LabelsDetected.label_details,
      model: details.LabelsDetected.model,
      options: { min_confidence: 55, max_labels: 20, features: ['labels'] },
      callback: {
        url: CALLBACK_URL,
        status: 'delivered',
        attempts: 1,
        last_attempt_at: '2026-11-27T12:00:33.000Z',
        last_status_code: 204,
      },
      created_at: '2026-11-27T12:00:00.000Z',
      updated_at: '2026-11-27T12:01:04.000Z',
      completed_at: '2026-11-27T12:00:32.000Z',
    });
  });

  it('records a failure with its error and a callback that ended in the DLQ', async () => {
    for (const type of ['BlobCreated', 'RecognitionFailed', 'CallbackFailed'] as const) await handle(busEvent(type));

    expect(await viewOf()).toMatchObject({
      status: 'failed',
      error: details.RecognitionFailed.error,
      callback: { status: 'failed', attempts: 8, last_status_code: 503 },
      completed_at: '2026-11-27T12:00:31.000Z',
    });
  });

  it('ends in the same view whatever order the events arrive in, callback first included', async () => {
    await handle(busEvent('CallbackDelivered'));
    await handle(busEvent('LabelsDetected'));
    await handle(busEvent('BlobRequested'));
    await handle(busEvent('BlobCreated'));
    const reversed = await viewOf();

    db.exec('DELETE FROM blob_results');
    for (const type of ['BlobRequested', 'BlobCreated', 'LabelsDetected', 'CallbackDelivered'] as const) {
      await handle(busEvent(type));
    }
    const inOrder = await viewOf();

    expect({ ...reversed, updated_at: undefined }).toStrictEqual({ ...inOrder, updated_at: undefined });
    expect(reversed?.callback?.status).toBe('delivered');
  });

  it('a redelivered event changes nothing, not even updated_at', async () => {
    await handle(busEvent('BlobCreated'));
    await handle(busEvent('LabelsDetected'));
    const before = await viewOf();

    await handle(busEvent('LabelsDetected'));
    await handle(busEvent('BlobCreated'));

    expect(await viewOf()).toStrictEqual(before);
  });

  it('converges when deliveries of every event type overlap', async () => {
    const types = ['CallbackFailed', 'LabelsDetected', 'BlobCreated', 'CallbackDelivered', 'BlobRequested'] as const;
    await Promise.all([...types, ...types].map((type) => handle(busEvent(type))));

    expect(await viewOf()).toMatchObject({
      status: 'succeeded',
      callback: { status: 'delivered', attempts: 1 },
    });
  });

  it('forgets a deleted blob, and no result or callback outcome that arrives later brings it back', async () => {
    for (const type of [
      'BlobRequested',
      'BlobCreated',
      'BlobDeleted',
      'LabelsDetected',
      'CallbackDelivered',
    ] as const) {
      await handle(busEvent(type));
    }

    expect(await repository.get(BLOB_ID, READ_AT)).toBeUndefined();
    expect(await repository.list(TENANT_ID, { limit: 20, now: READ_AT })).toStrictEqual({ items: [], more: false });
  });

  it('keeps a deletion that overtook every other event about the blob', async () => {
    await handle(busEvent('BlobDeleted'));
    for (const type of ['BlobRequested', 'BlobCreated', 'RecognitionFailed', 'CallbackFailed'] as const) {
      await handle(busEvent(type));
    }

    expect(await repository.get(BLOB_ID, READ_AT)).toBeUndefined();
    expect(await repository.apply(BLOB_ID, () => undefined)).toStrictEqual({
      tenantId: TENANT_ID,
      deletedAt: details.BlobDeleted.deleted_at,
    });
  });

  it('rejects an event from a source that does not own its type, and records nothing', async () => {
    const spoofed = { ...busEvent('LabelsDetected'), source: 'imgrec.uploads' };

    await expect(handle(spoofed)).rejects.toThrow(EventSchemaError);
    expect(await viewOf()).toBeUndefined();
  });

  it('rejects an event whose detail breaks the catalogue, and records nothing', async () => {
    const broken = busEvent('BlobRequested', { ...details.BlobRequested, created_at: 'yesterday' });

    await expect(handle(broken)).rejects.toThrow(EventSchemaError);
    expect(await viewOf()).toBeUndefined();
  });

  it('logs each delivery with the event’s blob, tenant and type, and the status it left the blob in', async () => {
    await handle(busEvent('BlobCreated'));
    await handle(busEvent('CallbackDelivered', { ...details.CallbackDelivered, blob_id: OTHER_BLOB_ID }));

    const invocation = { function_name: context.functionName, function_request_id: context.awsRequestId };
    expect(logs.lines).toStrictEqual([
      expect.objectContaining({
        message: 'event applied',
        blob_id: BLOB_ID,
        tenant_id: TENANT_ID,
        detail_type: 'BlobCreated',
        status: 'processing',
        ...invocation,
      }),
      expect.objectContaining({
        message: 'event applied',
        blob_id: OTHER_BLOB_ID,
        tenant_id: TENANT_ID,
        detail_type: 'CallbackDelivered',
        ...invocation,
      }),
    ]);
    expect(logs.lines[1]).not.toHaveProperty('status');
  });
});
