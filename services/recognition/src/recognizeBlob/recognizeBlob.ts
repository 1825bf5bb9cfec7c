import {
  IMAGE_LIMITS,
  ImageRejectedError,
  NotFoundError,
  RecognitionError,
  labelNamesOf,
  type EventDetail,
} from '@imgrec/shared';
import { fitEventSize } from '../fitEventSize/fitEventSize.js';
import { IMAGE_HEAD_BYTES, inspectImage } from '../image/inspectImage/inspectImage.js';
import type { RecognitionDeps } from '../ports.js';

export type RecognizeBlobDeps = Pick<
  RecognitionDeps,
  'readImageHead' | 'recognizer' | 'publisher' | 'log' | 'metrics' | 'now'
>;

/**
 * Labels one stored image and announces the outcome, for the blob's tenant: LabelsDetected, or RecognitionFailed for
 * a final verdict on the image. LabelsDetected loses its weakest instances if it would outgrow an EventBridge entry
 * (see fitEventSize), so a busy image is never dead-lettered for its size. An image over 15 MB fails on the size
 * BlobCreated reports, unread: the uploads service deleted it as it landed. Any other image is checked (magic bytes,
 * size, dimensions) before a model sees it. Passing faults are thrown so the queue retries them; on the last
 * attempt they become a retryable RecognitionFailed instead, so the blob never stays `processing` forever. An image
 * that is gone (the blob was deleted meanwhile) is logged and dropped: nothing is announced for a deleted blob, and
 * no retry would find it.
 * `deps.log` is expected to carry the blob's blob_id and tenant_id already.
 */
export const recognizeBlob = async (
  blob: EventDetail<'BlobCreated'>,
  attempt: { isLast: boolean },
  deps: RecognizeBlobDeps,
): Promise<void> => {
  const facts = {
    blob_id: blob.blob_id,
    tenant_id: blob.tenant_id,
    options: blob.options,
    callback_url: blob.callback_url,
    created_at: blob.created_at,
  };
  const fail = async (error: RecognitionError) => {
    await deps.publisher.publish({
      detailType: 'RecognitionFailed',
      detail: {
        ...facts,
        error: { code: error.code, message: error.message, retryable: error.retryable },
        model: deps.recognizer.model,
        completed_at: deps.now().toISOString(),
      },
    });
    deps.metrics.count('recognition_failures', { code: error.code });
  };

  try {
    if (blob.size > IMAGE_LIMITS.maxBytes) {
      throw new ImageRejectedError('image_too_large', `The image is larger than ${IMAGE_LIMITS.maxBytes} bytes.`);
    }
    const { head, size } = await deps.readImageHead({ key: blob.key }, IMAGE_HEAD_BYTES);
    inspectImage(head, size);
    const {
      label_details: labelDetails,
      text,
      faces,
    } = await deps.recognizer.recognize({ key: blob.key }, blob.options);
    const { detail, droppedInstances } = fitEventSize({
      ...facts,
      ...(labelDetails !== undefined && { labels: labelNamesOf(labelDetails), label_details: labelDetails }),
      ...(text !== undefined && { text }),
      ...(faces !== undefined && { faces }),
      model: deps.recognizer.model,
      completed_at: deps.now().toISOString(),
    });
    // Worth a trace: a client who counts boxes would otherwise not know why some are missing.
    if (droppedInstances > 0) {
      deps.log.info('instances dropped to fit the event', { dropped_instances: droppedInstances });
    }
    await deps.publisher.publish({ detailType: 'LabelsDetected', detail });
    deps.metrics.count('labels_detected');
    deps.log.info('labels detected', {
      ...(labelDetails !== undefined && { label_count: labelDetails.length }),
      ...(text !== undefined && { text_line_count: text.length }),
      ...(faces !== undefined && { face_count: faces.length }),
    });
  } catch (error) {
    if (error instanceof NotFoundError && error.code === 'object_not_found') {
      deps.log.info('image gone, so the blob was deleted: recognition dropped');
      return;
    }
    if (!(error instanceof RecognitionError)) throw error;
    if (error.retryable && !attempt.isLast) throw error;
    deps.log.info('recognition failed', { code: error.code, retryable: error.retryable });
    await fail(error);
  }
};
