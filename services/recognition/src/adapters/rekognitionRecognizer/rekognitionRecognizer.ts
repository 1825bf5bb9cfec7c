import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectTextCommand,
  type BoundingBox,
  type FaceDetail,
  type Image,
  type Label,
  type RekognitionClient,
  type TextDetection,
} from '@aws-sdk/client-rekognition';
import {
  EMOTION_TYPES,
  ImageRejectedError,
  MAX_FACES,
  MAX_INSTANCES_PER_LABEL,
  MAX_TEXT_LINES,
  RecognitionError,
  requestedFeatures,
  type EmotionType,
  type Face,
  type Feature,
  type ImageRejectionCode,
  type LabelDetail,
  type LabelInstance,
  type ModelInfo,
  type TextLine,
} from '@imgrec/shared';
import type { Detections, Recognizer } from '../../ports.js';

export interface RekognitionRecognizerConfig {
  /** The image bucket; the object key comes with each image. */
  bucket: string;
  /** Calls per detector and image while Rekognition throttles. Default 4. */
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
 * Rekognition's final verdicts on an image, with our stable codes, whichever detector reaches them. recognizeBlob
 * checks the format, size and dimensions first, so these catch what only the model notices: a corrupt body behind a
 * valid header, an image too large once decoded, and InvalidParameterException, which the detectors raise for an
 * image too small to work on.
 */
const REJECTIONS: Record<string, { code: ImageRejectionCode; message: string }> = {
  InvalidImageFormatException: {
    code: 'unsupported_image_format',
    message: 'The image could not be decoded as a JPEG or PNG.',
  },
  ImageTooLargeException: { code: 'image_too_large', message: 'The image is too large to recognize.' },
  InvalidParameterException: {
    code: 'image_dimensions_out_of_range',
    message: 'The image is too small to recognize.',
  },
};

/**
 * What a detector's passing faults become once its own retries are spent. Labels keep the codes of the original API;
 * the other detectors name themselves, so a client knows which feature failed the blob.
 */
const FAILURES: Record<Feature, Record<'throttled' | 'unavailable', { code: string; message: string }>> = {
  labels: {
    throttled: { code: 'recognizer_throttled', message: 'Rekognition was too busy to label the image.' },
    unavailable: { code: 'recognizer_unavailable', message: 'Rekognition could not label the image.' },
  },
  text: {
    throttled: { code: 'text_detection_failed', message: 'Rekognition was too busy to read the text in the image.' },
    unavailable: { code: 'text_detection_failed', message: 'Rekognition could not read the text in the image.' },
  },
  faces: {
    throttled: { code: 'face_detection_failed', message: 'Rekognition was too busy to find the faces in the image.' },
    unavailable: { code: 'face_detection_failed', message: 'Rekognition could not find the faces in the image.' },
  },
};

/**
 * The face attributes asked of DetectFaces beyond its default set (box, confidence, pose, quality, landmarks): the two
 * the contract reports. Naming them rather than asking for ALL keeps the response, and its latency, to what is used;
 * the price per image is the same either way.
 */
const FACE_ATTRIBUTES = ['AGE_RANGE', 'EMOTIONS'] as const;

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

const toConfidence = (confidence: number | undefined) => roundTo(confidence ?? 0, 1);

const byConfidenceDescending = (a: { confidence: number }, b: { confidence: number }) => b.confidence - a.confidence;

/**
 * One Rekognition label in the contract's shape, with its MAX_INSTANCES_PER_LABEL best instances, best first
 * (Rekognition returns every box it finds). Aliases and Categories have no place in the contract and are dropped.
 */
const toLabelDetail = (label: Label & { Name: string }): LabelDetail => ({
  name: label.Name.toLowerCase(),
  confidence: toConfidence(label.Confidence),
  parents: (label.Parents ?? []).flatMap((parent) => (parent.Name ? [parent.Name.toLowerCase()] : [])),
  instances: (label.Instances ?? [])
    .flatMap((instance): LabelInstance[] => {
      const box = toBoundingBox(instance.BoundingBox);
      return box ? [{ confidence: toConfidence(instance.Confidence), bounding_box: box }] : [];
    })
    .sort(byConfidenceDescending)
    .slice(0, MAX_INSTANCES_PER_LABEL),
});

/**
 * The lines of a DetectText response, top to bottom and then left to right. Rekognition reports every line twice,
 * as a LINE and as the WORDs in it; the contract wants lines. A line with no text or no box left inside the image is
 * dropped.
 */
const toTextLines = (detections: TextDetection[]): TextLine[] =>
  detections
    .flatMap((detection): TextLine[] => {
      const text = detection.Type === 'LINE' ? detection.DetectedText?.trim() : undefined;
      const box = toBoundingBox(detection.Geometry?.BoundingBox);
      return text && box ? [{ text, confidence: toConfidence(detection.Confidence), bounding_box: box }] : [];
    })
    .sort((a, b) => a.bounding_box.top - b.bounding_box.top || a.bounding_box.left - b.bounding_box.left)
    .slice(0, MAX_TEXT_LINES);

const isEmotionType = (type: string): type is EmotionType => (EMOTION_TYPES as readonly string[]).includes(type);

/**
 * One face in the contract's shape: emotions in lower case, best first. An emotion Rekognition may add after
 * EMOTION_TYPES was written is left out rather than breaking the contract; a face with no box inside the image is
 * dropped.
 */
const toFace = (face: FaceDetail): Face[] => {
  const box = toBoundingBox(face.BoundingBox);
  if (!box) return [];
  const { Low: low, High: high } = face.AgeRange ?? {};
  return [
    {
      confidence: toConfidence(face.Confidence),
      bounding_box: box,
      ...(low !== undefined && high !== undefined && { age_range: { low, high } }),
      ...(face.Emotions && {
        emotions: face.Emotions.flatMap((emotion) => {
          const type = emotion.Type?.toLowerCase();
          return type !== undefined && isEmotionType(type)
            ? [{ type, confidence: toConfidence(emotion.Confidence) }]
            : [];
        }).sort(byConfidenceDescending),
      }),
    },
  ];
};

const errorName = (error: unknown) => (error instanceof Error ? error.name : undefined);

const isFinal = (error: unknown) => error instanceof RecognitionError && !error.retryable;

/**
 * The Recognizer port on Amazon Rekognition, reading the image straight from S3: DetectLabels with the request's
 * MinConfidence and MaxLabels, DetectText (its LINE detections) and DetectFaces (with age range and emotions), each
 * only when `features` asks for it, and side by side when several are asked. DetectText keeps Rekognition's own word
 * filter: `min_confidence` is a threshold on labels. The retry policy for throttling lives here, per detector, so
 * build the client with `maxAttempts: 1` to keep the SDK from multiplying it. `model.version` is the
 * LabelModelVersion Rekognition last reported.
 * @throws ImageRejectedError for a final verdict on the image (see REJECTIONS), from whichever detector reached it;
 *   otherwise a retryable RecognitionError once throttling outlasts the retries or for any other failure: for labels
 *   `recognizer_throttled` or `recognizer_unavailable`, for text `text_detection_failed`, for faces
 *   `face_detection_failed`. When several detectors fail, a final verdict wins over a passing fault.
 */
export const buildRekognitionRecognizer = (
  client: RekognitionClient,
  config: RekognitionRecognizerConfig,
): Recognizer => {
  const maxAttempts = config.maxAttempts ?? 4;
  const retryDelayMs = config.retryDelayMs ?? defaultRetryDelayMs;
  const sleep = config.sleep ?? defaultSleep;
  let modelVersion = 'unknown';

  /** Makes one detector's call, retrying throttling, and maps its errors to the contract's codes. */
  const callDetector = async <T>(feature: Feature, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const name = errorName(error);
        const rejection = name === undefined ? undefined : REJECTIONS[name];
        if (rejection) throw new ImageRejectedError(rejection.code, rejection.message, { cause: error });
        const throttled = name !== undefined && THROTTLING_ERRORS.has(name);
        if (!throttled || attempt >= maxAttempts) {
          const { code, message } = FAILURES[feature][throttled ? 'throttled' : 'unavailable'];
          throw new RecognitionError(code, message, true, { cause: error });
        }
        await sleep(retryDelayMs(attempt));
      }
    }
  };

  const detectLabels = async (source: Image, options: { min_confidence: number; max_labels: number }) => {
    const command = new DetectLabelsCommand({
      Image: source,
      MinConfidence: options.min_confidence,
      MaxLabels: options.max_labels,
    });
    const response = await callDetector('labels', () => client.send(command));
    if (response.LabelModelVersion) modelVersion = response.LabelModelVersion;
    return (response.Labels ?? [])
      .filter((label): label is Label & { Name: string } => Boolean(label.Name))
      .map(toLabelDetail)
      .sort(byConfidenceDescending);
  };

  const detectText = async (source: Image) => {
    // No Filters: Rekognition's default word filter (confidence 80) is tuned for its model, and the request's
    // min_confidence is a threshold on labels, not on text.
    const command = new DetectTextCommand({ Image: source });
    const response = await callDetector('text', () => client.send(command));
    return toTextLines(response.TextDetections ?? []);
  };

  const detectFaces = async (source: Image) => {
    const command = new DetectFacesCommand({ Image: source, Attributes: [...FACE_ATTRIBUTES] });
    const response = await callDetector('faces', () => client.send(command));
    return (response.FaceDetails ?? []).flatMap(toFace).sort(byConfidenceDescending).slice(0, MAX_FACES);
  };

  const recognize: Recognizer['recognize'] = async (image, options) => {
    const source: Image = { S3Object: { Bucket: config.bucket, Name: image.key } };
    const features = requestedFeatures(options);
    // Every requested detector runs to its end even when another fails, so that a final verdict on the image wins
    // over another detector's passing fault: retrying the blob would only pay for the same verdict again.
    const failures: unknown[] = [];
    const run = <T>(feature: Feature, detect: () => Promise<T>) =>
      features.includes(feature)
        ? detect().catch((error: unknown) => {
            failures.push(error);
            return undefined;
          })
        : undefined;
    const [labelDetails, text, faces] = await Promise.all([
      run('labels', () => detectLabels(source, options)),
      run('text', () => detectText(source)),
      run('faces', () => detectFaces(source)),
    ]);
    if (failures.length > 0) throw failures.find(isFinal) ?? failures[0];
    const detections: Detections = {};
    if (labelDetails) detections.label_details = labelDetails;
    if (text) detections.text = text;
    if (faces) detections.faces = faces;
    return detections;
  };

  return {
    get model(): ModelInfo {
      return { provider: 'rekognition', name: 'DetectLabels', version: modelVersion };
    },
    recognize,
  };
};
