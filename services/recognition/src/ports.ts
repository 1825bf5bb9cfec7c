import type {
  Clock,
  EventPublisher,
  LabelDetail,
  Logger,
  Metrics,
  ModelInfo,
  RecognitionOptions,
} from '@imgrec/shared';

/** Where the uploaded object lives in the blob store (an S3 key in aws mode, a file key in local mode). */
export interface ImageRef {
  key: string;
}

/**
 * Labels an image. Results are already filtered and bounded by `options`, the way Rekognition applies
 * MinConfidence and MaxLabels. Throws RecognitionError: ImageRejectedError for final verdicts on the bytes,
 * a retryable RecognitionError for passing faults; NotFoundError `object_not_found` when it can tell that the image
 * is gone.
 */
export interface Recognizer {
  readonly model: ModelInfo;
  detectLabels(image: ImageRef, options: RecognitionOptions): Promise<LabelDetail[]>;
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
