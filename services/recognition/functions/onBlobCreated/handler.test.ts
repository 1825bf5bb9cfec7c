import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DetectLabelsCommand, RekognitionClient, ThrottlingException } from '@aws-sdk/client-rekognition';
import { NotFoundError, type BusEvent, type DomainEvent, type EventDetail } from '@imgrec/shared';
import { PrometheusMetrics } from '@imgrec/shared/local';
import { captureLogs, lambdaContextOf, type CapturedLogs } from '@imgrec/shared/testing';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { dogOnGrass } from '../../src/adapters/rekognitionRecognizer/detectLabelsResponses.js';
import { buildRekognitionRecognizer } from '../../src/adapters/rekognitionRecognizer/rekognitionRecognizer.js';
import { logger } from '../../src/observability.js';
import { buildHandler, type OnBlobCreatedDeps } from './handler.js';

const PHOTO = readFileSync(new URL('../../../../fixtures/images/dog.jpg', import.meta.url));
const BUCKET = 'imgrec-dev-images-123456789012-eu-west-1';

const blobCreated = (blobId: string): EventDetail<'BlobCreated'> => ({
  blob_id: blobId,
  tenant_id: 'tnt_a',
  key: blobId,
  size: PHOTO.byteLength,
  options: { min_confidence: 55, max_labels: 20 },
  callback_url: 'https://hooks.example.com/imgrec',
  created_at: '2026-11-27T12:00:00.000Z',
  stored_at: '2026-11-27T12:00:30.000Z',
});

/** The event the BlobCreated rule puts on the recognition queue: EventBridge's envelope, as the message body. */
const envelope = (detail: EventDetail<'BlobCreated'>): BusEvent<'BlobCreated'> => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  source: 'imgrec.uploads',
  account: '123456789012',
  time: '2026-11-27T12:00:31Z',
  region: 'eu-west-1',
  resources: [],
  'detail-type': 'BlobCreated',
  detail,
});

/** An SQS record as Lambda's event source mapping delivers it. */
const sqsRecord = (messageId: string, body: string, receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a…${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '1795867231000',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1795867231012',
  },
  messageAttributes: {},
  md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:imgrec-recognition-dev-RecognitionQueue-9K2XJ3L1',
  awsRegion: 'eu-west-1',
});

/**
 * The handler on Rekognition through a mocked client, with the service's logger and Prometheus counters, reading the
 * photo as the head of every image unless `readImageHead` says otherwise.
 */
const wiring = ({ readImageHead }: Partial<Pick<OnBlobCreatedDeps, 'readImageHead'>> = {}) => {
  const client = new RekognitionClient({ region: 'eu-west-1' });
  const rekognition = mockClient(client);
  const published: DomainEvent[] = [];
  const counters = new PrometheusMetrics();
  const handler = buildHandler(
    () => ({
      readImageHead:
        readImageHead ?? (async (_image, length) => ({ head: PHOTO.subarray(0, length), size: PHOTO.byteLength })),
      recognizer: buildRekognitionRecognizer(client, { bucket: BUCKET, maxAttempts: 2, sleep: async () => undefined }),
      publisher: { publish: async (...events) => void published.push(...events) },
      log: logger,
      metrics: counters.forService('recognition'),
      now: () => new Date('2026-11-27T12:00:32.000Z'),
      maxAttempts: 3,
    }),
    'local',
  );
  return {
    rekognition,
    published,
    counters,
    handle: (...records: SQSRecord[]) =>
      handler({ Records: records } satisfies SQSEvent, lambdaContextOf('recognition', 'onBlobCreated')),
  };
};

describe('onBlobCreated handler', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('labels the blob of a queued BlobCreated and announces LabelsDetected for the blob’s tenant', async () => {
    const { rekognition, published, handle } = wiring();
    rekognition.on(DetectLabelsCommand).resolves(dogOnGrass);

    const response = await handle(sqsRecord('m1', JSON.stringify(envelope(blobCreated('blob-1')))));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([
      {
        detailType: 'LabelsDetected',
        detail: expect.objectContaining({
          blob_id: 'blob-1',
          tenant_id: 'tnt_a',
          labels: ['animal', 'dog', 'grass', 'canine', 'mammal', 'pet', 'plant'],
          model: { provider: 'rekognition', name: 'DetectLabels', version: '3.0' },
        }),
      },
    ]);
  });

  it('reports only the records to retry, so SQS keeps those and deletes the rest', async () => {
    const { rekognition, published, handle } = wiring();
    rekognition
      .on(DetectLabelsCommand, { Image: { S3Object: { Bucket: BUCKET, Name: 'blob-throttled' } } })
      .rejects(new ThrottlingException({ message: 'Slow down', $metadata: {} }))
      .on(DetectLabelsCommand, { Image: { S3Object: { Bucket: BUCKET, Name: 'blob-ok' } } })
      .resolves(dogOnGrass);

    const response = await handle(
      sqsRecord('m-throttled', JSON.stringify(envelope(blobCreated('blob-throttled')))),
      sqsRecord('m-ok', JSON.stringify(envelope(blobCreated('blob-ok')))),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-throttled' }] });
    expect(published.map((event) => [event.detailType, event.detail.blob_id])).toEqual([['LabelsDetected', 'blob-ok']]);
  });

  it('announces a retryable failure on the last receive instead of leaving the blob processing', async () => {
    const { rekognition, published, handle } = wiring();
    rekognition.on(DetectLabelsCommand).rejects(new ThrottlingException({ message: 'Slow down', $metadata: {} }));

    const response = await handle(sqsRecord('m1', JSON.stringify(envelope(blobCreated('blob-1'))), 3));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([
      {
        detailType: 'RecognitionFailed',
        detail: expect.objectContaining({
          blob_id: 'blob-1',
          tenant_id: 'tnt_a',
          error: { code: 'recognizer_throttled', message: expect.any(String), retryable: true },
        }),
      },
    ]);
  });

  it('fails an image over 15 MB as image_too_large without asking Rekognition', async () => {
    const { rekognition, published, handle } = wiring();
    rekognition.on(DetectLabelsCommand).resolves(dogOnGrass);

    const oversize = { ...blobCreated('blob-big'), size: 15 * 1024 * 1024 + 1 };
    const response = await handle(sqsRecord('m1', JSON.stringify(envelope(oversize))));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(rekognition.commandCalls(DetectLabelsCommand)).toEqual([]);
    expect(published).toEqual([
      {
        detailType: 'RecognitionFailed',
        detail: expect.objectContaining({
          blob_id: 'blob-big',
          tenant_id: 'tnt_a',
          error: { code: 'image_too_large', message: expect.any(String), retryable: false },
        }),
      },
    ]);
  });

  it('drops a BlobCreated whose image was deleted meanwhile: nothing announced, no retry', async () => {
    const { rekognition, published, handle } = wiring({
      readImageHead: async (image) => {
        throw new NotFoundError('object_not_found', `No object ${image.key}`);
      },
    });

    const response = await handle(sqsRecord('m1', JSON.stringify(envelope(blobCreated('blob-deleted')))));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([]);
    expect(rekognition.commandCalls(DetectLabelsCommand)).toEqual([]);
    expect(logs.lines).toMatchObject([
      {
        level: 'INFO',
        message: 'image gone, so the blob was deleted: recognition dropped',
        blob_id: 'blob-deleted',
        tenant_id: 'tnt_a',
      },
    ]);
  });

  it('drops a message that is not a BlobCreated event, with an error in the log', async () => {
    const { rekognition, published, handle } = wiring();

    const response = await handle(sqsRecord('m-bad', '{"detail-type":"BlobCreated","source":"imgrec.uploads"}'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([]);
    expect(rekognition.commandCalls(DetectLabelsCommand)).toEqual([]);
    expect(logs.lines).toMatchObject([
      { level: 'ERROR', message: 'malformed recognition message dropped', message_id: 'm-bad' },
    ]);
  });

  it('tags every log line about a record with its blob and tenant, each record with its own', async () => {
    const { rekognition, handle } = wiring();
    rekognition
      .on(DetectLabelsCommand, { Image: { S3Object: { Bucket: BUCKET, Name: 'blob-throttled' } } })
      .rejects(new ThrottlingException({ message: 'Slow down', $metadata: {} }))
      .on(DetectLabelsCommand, { Image: { S3Object: { Bucket: BUCKET, Name: 'blob-ok' } } })
      .resolves(dogOnGrass);

    await handle(
      sqsRecord('m-throttled', JSON.stringify(envelope({ ...blobCreated('blob-throttled'), tenant_id: 'tnt_b' }))),
      sqsRecord('m-ok', JSON.stringify(envelope(blobCreated('blob-ok')))),
    );

    expect(logs.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'labels detected', blob_id: 'blob-ok', tenant_id: 'tnt_a' }),
        expect.objectContaining({
          message: 'recognition will be retried',
          blob_id: 'blob-throttled',
          tenant_id: 'tnt_b',
          function_request_id: expect.any(String),
        }),
      ]),
    );
    expect(logs.lines).toHaveLength(2);
  });

  it('counts the images labelled and the failures by code', async () => {
    const { rekognition, counters, handle } = wiring();
    rekognition.on(DetectLabelsCommand).resolves(dogOnGrass);

    await handle(
      sqsRecord('m1', JSON.stringify(envelope(blobCreated('blob-1')))),
      sqsRecord('m2', JSON.stringify(envelope(blobCreated('blob-2')))),
      sqsRecord('m3', JSON.stringify(envelope({ ...blobCreated('blob-big'), size: 15 * 1024 * 1024 + 1 }))),
    );

    const text = await counters.text();
    expect(text).toContain('imgrec_labels_detected_total{service="recognition"} 2');
    expect(text).toContain('imgrec_recognition_failures_total{service="recognition",code="image_too_large"} 1');
  });
});
