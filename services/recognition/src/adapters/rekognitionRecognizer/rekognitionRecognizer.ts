import { DetectLabelsCommand, type BoundingBox, type Label, type RekognitionClient } from '@aws-sdk/client-rekognition';
import {
  ImageRejectedError,
  MAX_INSTANCES_PER_LABEL,
  RecognitionError,
  type ImageRejectionCode,
  type LabelDetail,
  type LabelInstance,
  type ModelInfo,
} from '@imgrec/shared';
import type { Recognizer } from '../../ports.js';

export interface RekognitionRecognizerConfig {
  /** The image bucket; the object key comes with each image. */
  bucket: string;
  /** DetectLabels calls per image while Rekognition throttles. Default 4. */
  maxAttempts?: number;
  /** The wait before retry `retry` (1, 2…). Default: 250 ms doubling up to 4 s, with full jitter. */
  retryDelayMs?: (retry: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Rekognition's answers to too many calls: they pass, so they are retried here and then by the queue. */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
]);

/**
 * Rekognition's final verdicts on an image, with our stable codes. recognizeBlob checks the format, size and
 * dimensions first, so these catch what only the model notices: a corrupt body behind a valid header, an image
 * too large once decoded, and InvalidParameterException, which DetectLabels raises for an image too small to label.
 */
const REJECTIONS: Record<string, { code: ImageRejectionCode; message: string }> = {
  InvalidImageFormatException: {
    code: 'unsupported_image_format',
    message: 'The image could not be decoded as a JPEG or PNG.',
  },
  ImageTooLargeException: { code: 'image_too_large', message: 'The image is too large to label.' },
  InvalidParameterException: {
    code: 'image_dimensions_out_of_range',
    message: 'The image is too small to label.',
  },
};

const defaultRetryDelayMs = (retry: number) => Math.random() * Math.min(4000, 250 * 2 ** (retry - 1));
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const roundTo = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/** Rekognition's box, clamped to the image (edges can fall just outside it), or undefined if nothing is left. */
const toBoundingBox = (box: BoundingBox | undefined) => {
  if (!box) return undefined;
  const left = roundTo(clamp01(box.Left ?? 0), 4);
  const top = roundTo(clamp01(box.Top ?? 0), 4);
  const right = roundTo(clamp01((box.Left ?? 0) + (box.Width ?? 0)), 4);
  const bottom = roundTo(clamp01((box.Top ?? 0) + (box.Height ?? 0)), 4);
  if (right <= left || bottom <= top) return undefined;
  return { left, top, width: roundTo(right - left, 4), height: roundTo(bottom - top, 4) };
};

const byConfidenceDescending = (a: { confidence: number }, b: { confidence: number }) => b.confidence - a.confidence;

/**
 * One Rekognition label in the contract's shape, with its MAX_INSTANCES_PER_LABEL best instances, best first
 * (Rekognition returns every box it finds). Aliases and Categories have no place in the contract and are dropped.
 */
const toLabelDetail = (label: Label & { Name: string }): LabelDetail => ({
  name: label.Name.toLowerCase(),
  confidence: roundTo(label.Confidence ?? 0, 1),
  parents: (label.Parents ?? []).flatMap((parent) => (parent.Name ? [parent.Name.toLowerCase()] : [])),
  instances: (label.Instances ?? [])
    .flatMap((instance): LabelInstance[] => {
      const box = toBoundingBox(instance.BoundingBox);
      return box ? [{ confidence: roundTo(instance.Confidence ?? 0, 1), bounding_box: box }] : [];
    })
    .sort(byConfidenceDescending)
    .slice(0, MAX_INSTANCES_PER_LABEL),
});

const errorName = (error: unknown) => (error instanceof Error ? error.name : undefined);

/**
 * The Recognizer port on Amazon Rekognition DetectLabels, reading the image straight from S3 with the request's
 * MinConfidence and MaxLabels. The retry policy for throttling lives here, so build the client with
 * `maxAttempts: 1` to keep the SDK from multiplying it. `model.version` is the LabelModelVersion Rekognition last
 * reported.
 * @throws ImageRejectedError for a final verdict on the image (see REJECTIONS); RecognitionError (retryable)
 *   `recognizer_throttled` when throttling outlasts the retries, `recognizer_unavailable` for any other failure.
 */
export const buildRekognitionRecognizer = (
  client: RekognitionClient,
  config: RekognitionRecognizerConfig,
): Recognizer => {
  const maxAttempts = config.maxAttempts ?? 4;
  const retryDelayMs = config.retryDelayMs ?? defaultRetryDelayMs;
  const sleep = config.sleep ?? defaultSleep;
  let modelVersion = 'unknown';

  const detectLabels: Recognizer['detectLabels'] = async (image, options) => {
    const command = new DetectLabelsCommand({
      Image: { S3Object: { Bucket: config.bucket, Name: image.key } },
      MinConfidence: options.min_confidence,
      MaxLabels: options.max_labels,
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await client.send(command);
        if (response.LabelModelVersion) modelVersion = response.LabelModelVersion;
        return (response.Labels ?? [])
          .filter((label): label is Label & { Name: string } => Boolean(label.Name))
          .map(toLabelDetail)
          .sort(byConfidenceDescending);
      } catch (error) {
        const name = errorName(error);
        const rejection = name === undefined ? undefined : REJECTIONS[name];
        if (rejection) throw new ImageRejectedError(rejection.code, rejection.message, { cause: error });
        if (name === undefined || !THROTTLING_ERRORS.has(name)) {
          throw new RecognitionError('recognizer_unavailable', 'Rekognition could not label the image.', true, {
            cause: error,
          });
        }
        if (attempt >= maxAttempts) {
          throw new RecognitionError('recognizer_throttled', 'Rekognition was too busy to label the image.', true, {
            cause: error,
          });
        }
        await sleep(retryDelayMs(attempt));
      }
    }
  };

  return {
    get model(): ModelInfo {
      return { provider: 'rekognition', name: 'DetectLabels', version: modelVersion };
    },
    detectLabels,
  };
};
