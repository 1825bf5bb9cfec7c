import { EVENT_SOURCES, type BusEvent, type DetailType } from '@imgrec/shared';

/** The tenant of the outcome events when a test names none. */
export const TEST_TENANT_ID = 'tenant_test';

const facts = (blobId: string, callbackUrl: string | undefined, tenantId: string) => ({
  blob_id: blobId,
  tenant_id: tenantId,
  options: { min_confidence: 30, max_labels: 20 },
  ...(callbackUrl !== undefined && { callback_url: callbackUrl }),
  created_at: '2026-11-27T12:00:00.000Z',
});

const envelope = <T extends DetailType>(detailType: T, detail: BusEvent<T>['detail']): BusEvent<T> => ({
  version: '0',
  id: `event-${detail.blob_id}-${detailType}`,
  source: EVENT_SOURCES[detailType],
  account: '000000000000',
  time: '2026-11-27T12:00:03.000Z',
  region: 'local',
  resources: [],
  'detail-type': detailType,
  detail,
});

/** A LabelsDetected bus event of the tenant's blob, as EventBridge hands it to a target (tests only). */
export const labelsDetected = (
  blobId: string,
  callbackUrl: string | undefined,
  tenantId: string = TEST_TENANT_ID,
): BusEvent<'LabelsDetected'> =>
  envelope('LabelsDetected', {
    ...facts(blobId, callbackUrl, tenantId),
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
    completed_at: '2026-11-27T12:00:03.000Z',
  });

/** A RecognitionFailed bus event of the tenant's blob (tests only). */
export const recognitionFailed = (
  blobId: string,
  callbackUrl: string | undefined,
  tenantId: string = TEST_TENANT_ID,
): BusEvent<'RecognitionFailed'> =>
  envelope('RecognitionFailed', {
    ...facts(blobId, callbackUrl, tenantId),
    error: { code: 'unsupported_image_format', message: 'The image could not be decoded.', retryable: false },
    completed_at: '2026-11-27T12:00:02.000Z',
  });

/** A BlobDeleted bus event of the tenant's blob, as uploads publishes it on DELETE /blobs/{blob_id} (tests only). */
export const blobDeleted = (
  blobId: string,
  tenantId: string = TEST_TENANT_ID,
  deletedAt = '2026-11-27T12:00:05.000Z',
): BusEvent<'BlobDeleted'> => envelope('BlobDeleted', { blob_id: blobId, tenant_id: tenantId, deleted_at: deletedAt });
