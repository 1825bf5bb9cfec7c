import type { BlobStatus, BlobView, CallbackOutcomeEvent, LabelDetail } from '@imgrec/shared';

/** A blob id of the shape ours have (22 base64url characters), for tests. */
export const SAMPLE_BLOB_ID = 'q1Xw3-_9ZkLmNoPqRsTuVw';

/** The tenant that owns the sample blobs (tests only). */
export const SAMPLE_TENANT_ID = 'tnt_owner';

/** The smallest view of a blob in `status` (tests only). */
export const viewWith = (status: BlobStatus, blobId = SAMPLE_BLOB_ID): BlobView => ({
  blob_id: blobId,
  status,
  options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
  created_at: '2026-11-27T12:00:00.000Z',
  updated_at: '2026-11-27T12:00:00.000Z',
});

/** One detected car, as recognition reports it (tests only). */
export const sampleLabelDetails: LabelDetail[] = [
  {
    name: 'car',
    confidence: 97.1,
    parents: ['vehicle', 'transportation'],
    instances: [{ confidence: 97.1, bounding_box: { left: 0.1, top: 0.2, width: 0.5, height: 0.4 } }],
  },
];

/** A labelled blob with every optional part of the contract filled in (tests only). */
export const succeededView = (blobId = SAMPLE_BLOB_ID): BlobView => ({
  ...viewWith('succeeded', blobId),
  labels: ['car', 'vehicle', 'transportation'],
  label_details: sampleLabelDetails,
  model: { provider: 'local', name: 'centernet', version: 'human-3.3.6' },
  callback: { url: 'https://hooks.example.com/imgrec', status: 'pending', attempts: 0 },
  updated_at: '2026-11-27T12:02:01.000Z',
  completed_at: '2026-11-27T12:02:00.000Z',
});

/** A first successful callback attempt, as the webhooks service announces it (tests only). */
export const callbackDelivered = (blobId = SAMPLE_BLOB_ID): CallbackOutcomeEvent => ({
  detailType: 'CallbackDelivered',
  detail: {
    blob_id: blobId,
    tenant_id: SAMPLE_TENANT_ID,
    webhook_id: 'msg_1',
    attempts: 1,
    last_attempt_at: '2026-11-27T12:03:00.000Z',
    last_status_code: 200,
  },
});
