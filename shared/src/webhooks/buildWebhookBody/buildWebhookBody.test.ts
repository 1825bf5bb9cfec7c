import { describe, expect, it } from '@jest/globals';
import type { BlobOutcomeEvent } from './buildWebhookBody.js';
import { buildWebhookBody, isBlobOutcomeEvent, webhookIdForBlob } from './buildWebhookBody.js';

const facts = {
  blob_id: 'blob_abc',
  tenant_id: 'tnt_body',
  options: { min_confidence: 30, max_labels: 20, features: ['labels' as const] },
  callback_url: 'https://hooks.example.com/imgrec',
  created_at: '2026-11-27T12:00:00.000Z',
};

const labelsDetected: BlobOutcomeEvent = {
  detailType: 'LabelsDetected',
  detail: {
    ...facts,
    labels: ['dog', 'animal'],
    label_details: [
      {
        name: 'Dog',
        confidence: 71.5,
        parents: ['Animal'],
        instances: [{ confidence: 71.5, bounding_box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 } }],
      },
    ],
    model: { provider: 'local', name: 'centernet', version: '1' },
    completed_at: '2026-11-27T12:00:03.000Z',
  },
};

const recognitionFailed: BlobOutcomeEvent = {
  detailType: 'RecognitionFailed',
  detail: {
    ...facts,
    error: { code: 'unsupported_image_format', message: 'The image could not be decoded.', retryable: false },
    completed_at: '2026-11-27T12:00:02.000Z',
  },
};

describe('buildWebhookBody', () => {
  it('delivers labels as blob.labels_detected with the GET body as data and the callback still pending', () => {
    expect(buildWebhookBody(labelsDetected)).toEqual({
      type: 'blob.labels_detected',
      timestamp: '2026-11-27T12:00:03.000Z',
      data: {
        blob_id: 'blob_abc',
        status: 'succeeded',
        labels: ['dog', 'animal'],
        label_details: [
          {
            name: 'dog',
            confidence: 71.5,
            parents: ['animal'],
            instances: [{ confidence: 71.5, bounding_box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 } }],
          },
        ],
        model: { provider: 'local', name: 'centernet', version: '1' },
        options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
        callback: { url: 'https://hooks.example.com/imgrec', status: 'pending', attempts: 0 },
        created_at: '2026-11-27T12:00:00.000Z',
        updated_at: '2026-11-27T12:00:03.000Z',
        completed_at: '2026-11-27T12:00:03.000Z',
      },
    });
  });

  it('delivers a failure as blob.recognition_failed with the error and no labels', () => {
    const body = buildWebhookBody(recognitionFailed);
    expect(body.type).toBe('blob.recognition_failed');
    expect(body.data).toMatchObject({ status: 'failed', error: recognitionFailed.detail.error });
    expect(body.data).not.toHaveProperty('labels');
  });
});

describe('webhookIdForBlob', () => {
  it('gives one stable, opaque id per blob', () => {
    const id = webhookIdForBlob('blob_abc');
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(webhookIdForBlob('blob_abc')).toBe(id);
    expect(webhookIdForBlob('blob_abd')).not.toBe(id);
    expect(id).not.toContain('blob_abc');
  });
});

describe('isBlobOutcomeEvent', () => {
  it('is true for the two outcome events only', () => {
    expect(isBlobOutcomeEvent(labelsDetected)).toBe(true);
    expect(isBlobOutcomeEvent(recognitionFailed)).toBe(true);
    expect(
      isBlobOutcomeEvent({
        detailType: 'CallbackFailed',
        detail: { blob_id: 'b', tenant_id: 'tnt_body', webhook_id: 'msg_x', attempts: 1 },
      }),
    ).toBe(false);
  });
});
