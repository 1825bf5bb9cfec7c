import type { LabelDetail, ModelInfo, RecognitionOptions } from '@imgrec/shared';

/** Where the uploaded object lives in the blob store (an S3 key in aws mode, a file key in local mode). */
export interface ImageRef {
  key: string;
}

/**
 * Labels an image. Results are already filtered and bounded by `options`, the way Rekognition applies
 * MinConfidence and MaxLabels. Throws RecognitionError: ImageRejectedError for final verdicts on the bytes,
 * a retryable RecognitionError for passing faults.
 */
export interface Recognizer {
  readonly model: ModelInfo;
  detectLabels(image: ImageRef, options: RecognitionOptions): Promise<LabelDetail[]>;
}

/** The first `length` bytes of a stored image and its full size, enough to check it before recognition. */
export type ReadImageHead = (image: ImageRef, length: number) => Promise<{ head: Uint8Array; size: number }>;
