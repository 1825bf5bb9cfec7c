import type {
  Clock,
  EventPublisher,
  Face,
  LabelDetail,
  Logger,
  Metrics,
  ModelInfo,
  RecognitionOptions,
  TextLine,
} from '@imgrec/shared';

/** Where the uploaded object lives in the blob store (an S3 key in aws mode, a file key in local mode). */
export interface ImageRef {
  key: string;
}

/** What the requested detectors found: a field per requested feature, and only those. */
export interface Detections {
  label_details?: LabelDetail[];
  text?: TextLine[];
  faces?: Face[];
}

/**
 * Runs the detectors that `options.features` asks for (labels when it is absent) on an image, and nothing else.
 * Labels are already filtered and bounded by `options`, the way Rekognition applies MinConfidence and MaxLabels;
 * text lines (top to bottom, empty ones dropped) and faces are bounded by MAX_TEXT_LINES and MAX_FACES. Throws
 * RecognitionError: ImageRejectedError for final verdicts on the bytes, a retryable RecognitionError for passing
 * faults, and for a detector that fails on its own a code naming it (`text_detection_failed`,
 * `face_detection_failed`); NotFoundError `object_not_found` when it can tell that the image is gone.
 */
export interface Recognizer {
  readonly model: ModelInfo;
  recognize(image: ImageRef, options: RecognitionOptions): Promise<Detections>;
}

/**
 * The first `length` bytes of a stored image and its full size, enough to check it before recognition. Throws
 * NotFoundError `object_not_found` when there is no such image (it was deleted).
 */
export type ReadImageHead = (image: ImageRef, length: number) => Promise<{ head: Uint8Array; size: number }>;

/** The dependencies of the recognition service's function. */
export interface RecognitionDeps {
  readImageHead: ReadImageHead;
  recognizer: Recognizer;
  publisher: EventPublisher;
  log: Logger;
  metrics: Metrics;
  now: Clock;
  /** Receives after which a passing fault is reported as RecognitionFailed instead of retried. */
  maxAttempts: number;
  /** Resolves when the recognizer can take work (the local model is loaded). */
  ready(): Promise<void>;
}
