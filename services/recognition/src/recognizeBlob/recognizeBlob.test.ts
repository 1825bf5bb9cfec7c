import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { NotFoundError, RecognitionError, type DomainEvent, type EventDetail, type LabelDetail } from '@imgrec/shared';
import { PrometheusMetrics } from '@imgrec/shared/local';
import { captureLogs, type CapturedLogs } from '@imgrec/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_LABELS_DETECTED_BYTES, labelsDetectedEntryBytes } from '../fitEventSize/fitEventSize.js';
import { logger } from '../observability.js';
import type { Detections, Recognizer } from '../ports.js';
import { recognizeBlob, type RecognizeBlobDeps } from './recognizeBlob.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/images/', import.meta.url));

const blobCreated: EventDetail<'BlobCreated'> = {
  blob_id: 'b1',
  tenant_id: 'tnt_a',
  key: 'b1',
  size: 0,
  options: { min_confidence: 30, max_labels: 20 },
  callback_url: 'https://hooks.example/',
  created_at: '2026-11-27T12:00:00.000Z',
  stored_at: '2026-11-27T12:00:01.000Z',
};

const dog: LabelDetail = {
  name: 'dog',
  confidence: 43,
  parents: ['animal', 'pet'],
  instances: [{ confidence: 43, bounding_box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 } }],
};

/** A stand-in for the model (the real one runs in the local recognizer's own tests and the e2e suite). */
const recognizer = (outcome: () => Promise<Detections>): Recognizer & { calls: number } => {
  const fake = {
    model: { provider: 'local' as const, name: 'test', version: '1' },
    calls: 0,
    recognize: async () => {
      fake.calls += 1;
      return outcome();
    },
  };
  return fake;
};

const run = async (image: Buffer, model: Recognizer, isLast = false, blob = blobCreated) => {
  const published: DomainEvent[] = [];
  const deps: RecognizeBlobDeps = {
    readImageHead: async (_ref, length) => {
      // An empty buffer stands for a deleted object: reading it fails as reading a missing key does.
      if (image.length === 0) throw new NotFoundError('object_not_found', 'No object b1');
      return { head: image.subarray(0, length), size: image.length };
    },
    recognizer: model,
    publisher: { publish: async (...events) => void published.push(...events) },
    log: logger,
    metrics: new PrometheusMetrics().forService('recognition'),
    now: () => new Date('2026-11-27T12:00:02.000Z'),
  };
  await recognizeBlob(blob, { isLast }, deps);
  return published;
};

const photo = readFileSync(join(FIXTURES, 'dog.jpg'));

describe('recognizeBlob', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('announces the labels with every fact the consumers need', async () => {
    const published = await run(
      photo,
      recognizer(async () => ({ label_details: [dog] })),
    );
    expect(published).toEqual([
      {
        detailType: 'LabelsDetected',
        detail: {
          blob_id: 'b1',
          tenant_id: 'tnt_a',
          options: blobCreated.options,
          callback_url: 'https://hooks.example/',
          created_at: blobCreated.created_at,
          labels: ['dog', 'animal', 'pet'],
          label_details: [dog],
          model: { provider: 'local', name: 'test', version: '1' },
          completed_at: '2026-11-27T12:00:02.000Z',
        },
      },
    ]);
  });

  it('publishes a crowded scene with its weakest instances dropped, so the event fits EventBridge', async () => {
    const crowd: LabelDetail[] = Array.from({ length: 100 }, (_, i) => ({
      name: `label ${i} ${'with a long descriptive name '.repeat(18)}`,
      confidence: 99 - (i % 8),
      parents: [`parent ${i} ${'of a long lineage '.repeat(22)}`],
      instances: Array.from({ length: 10 }, (_, j) => ({
        confidence: 99 - j * 9 - (i % 8),
        bounding_box: { left: 0.1234, top: 0.2345, width: 0.3456, height: 0.4567 },
      })),
    }));

    const [event] = await run(
      photo,
      recognizer(async () => ({ label_details: crowd })),
    );

    if (event?.detailType !== 'LabelsDetected') throw new Error(`expected LabelsDetected, got ${event?.detailType}`);
    expect(labelsDetectedEntryBytes(event.detail)).toBeLessThanOrEqual(MAX_LABELS_DETECTED_BYTES);
    const labelDetails = event.detail.label_details ?? [];
    expect(labelDetails.map((label) => label.name)).toEqual(crowd.map((label) => label.name));
    const instanceCount = labelDetails.reduce((count, label) => count + label.instances.length, 0);
    expect(instanceCount).toBeGreaterThan(0);
    expect(instanceCount).toBeLessThan(1000);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        message: 'instances dropped to fit the event',
        dropped_instances: 1000 - instanceCount,
      }),
    );
  });

  it('rejects bytes that are not an image before the model sees them', async () => {
    const model = recognizer(async () => ({ label_details: [dog] }));
    const published = await run(Buffer.from('GIF89a not what we take'), model);
    expect(model.calls).toBe(0);
    expect(published).toMatchObject([
      {
        detailType: 'RecognitionFailed',
        detail: { error: { code: 'unsupported_image_format', retryable: false } },
      },
    ]);
  });

  it('fails an image over 15 MB on its reported size, unread (it was deleted as it landed) and unrecognised', async () => {
    const model = recognizer(async () => ({ label_details: [dog] }));
    const oversize = { ...blobCreated, size: 15 * 1024 * 1024 + 1 };
    const published = await run(Buffer.alloc(0), model, false, oversize);
    expect(model.calls).toBe(0);
    expect(published).toEqual([
      {
        detailType: 'RecognitionFailed',
        detail: {
          blob_id: 'b1',
          tenant_id: 'tnt_a',
          options: blobCreated.options,
          callback_url: 'https://hooks.example/',
          created_at: blobCreated.created_at,
          error: { code: 'image_too_large', message: expect.any(String), retryable: false },
          model: { provider: 'local', name: 'test', version: '1' },
          completed_at: '2026-11-27T12:00:02.000Z',
        },
      },
    ]);
  });

  it('throws a passing fault so the queue retries it', async () => {
    const model = recognizer(async () => {
      throw new RecognitionError('recognizer_unavailable', 'worker died', true);
    });
    await expect(run(photo, model)).rejects.toThrow('worker died');
  });

  it('reports a passing fault as a retryable failure on the last attempt', async () => {
    const model = recognizer(async () => {
      throw new RecognitionError('recognizer_unavailable', 'worker died', true);
    });
    expect(await run(photo, model, true)).toMatchObject([
      { detailType: 'RecognitionFailed', detail: { error: { code: 'recognizer_unavailable', retryable: true } } },
    ]);
  });

  it.each([false, true])(
    'drops a blob whose image is gone, deleted meanwhile: nothing announced, nothing to retry (last attempt: %s)',
    async (isLast) => {
      const model = recognizer(async () => ({ label_details: [dog] }));
      const published = await run(Buffer.alloc(0), model, isLast);
      expect(published).toEqual([]);
      expect(model.calls).toBe(0);
      expect(logs.lines).toMatchObject([
        { level: 'INFO', message: 'image gone, so the blob was deleted: recognition dropped' },
      ]);
    },
  );

  it('drops a blob whose image is deleted after its check, when the recognizer finds it gone', async () => {
    const model = recognizer(async () => {
      throw new NotFoundError('object_not_found', 'No object b1');
    });
    expect(await run(photo, model)).toEqual([]);
    expect(model.calls).toBe(1);
  });
});
