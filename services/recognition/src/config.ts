import { availableParallelism } from 'node:os';
import { readInteger, readPositiveNumber, requireEnv, runtimeMode } from '@imgrec/shared';

/**
 * Attempts per image before a passing fault (a crashed worker, throttling) is reported as a failure. In aws mode the
 * recognition queue's maxReceiveCount (serverless.yml) must stay above it, so the last attempt can still announce
 * the failure.
 */
export const MAX_ATTEMPTS = 3;

export interface AwsRecognitionConfig {
  mode: 'aws';
  /** IMGREC_IMAGES_BUCKET: the uploads service's bucket, which Rekognition reads the images from. */
  imagesBucket: string;
  /** IMGREC_EVENT_BUS_NAME */
  eventBusName: string;
}

export interface LocalRecognitionConfig {
  mode: 'local';
  /** IMGREC_RECOGNIZER_WORKERS: inference worker threads. */
  recognizerWorkers: number;
  /** IMGREC_RECOGNITION_TIMEOUT_S, in milliseconds: how long one image may hold an inference worker. */
  recognitionTimeoutMs: number;
}

export type RecognitionConfig = AwsRecognitionConfig | LocalRecognitionConfig;

/**
 * Reads IMGREC_RECOGNIZER_WORKERS: the local recognizer's inference worker threads, one per core by default. The
 * local entry also sizes the recognition queue's concurrency from it.
 * @throws ConfigError when it is set to anything but a whole number ≥ 1.
 */
export const recognizerWorkersFromEnv = (env: NodeJS.ProcessEnv = process.env): number =>
  readInteger('IMGREC_RECOGNIZER_WORKERS', { min: 1 }, availableParallelism(), env);

/**
 * Seconds one image may hold a local inference worker by default: decoding and one CenterNet inference take a few
 * seconds at most on one core, so an image still running after this has wedged its worker.
 */
export const DEFAULT_RECOGNITION_TIMEOUT_S = 30;

/**
 * Reads IMGREC_RECOGNITION_TIMEOUT_S: the local recognizer's deadline per image, in seconds (fractions allowed),
 * {@link DEFAULT_RECOGNITION_TIMEOUT_S} by default. Returns milliseconds.
 * @throws ConfigError when it is set to anything but a number greater than 0.
 */
export const recognitionTimeoutMsFromEnv = (env: NodeJS.ProcessEnv = process.env): number =>
  readPositiveNumber('IMGREC_RECOGNITION_TIMEOUT_S', DEFAULT_RECOGNITION_TIMEOUT_S, env) * 1000;

/**
 * The recognition service's settings: IMGREC_MODE; in aws mode IMGREC_IMAGES_BUCKET and IMGREC_EVENT_BUS_NAME (set in
 * serverless.yml), in local mode IMGREC_RECOGNIZER_WORKERS and IMGREC_RECOGNITION_TIMEOUT_S (both optional).
 * @throws ConfigError naming a missing or malformed setting.
 */
export const recognitionConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): RecognitionConfig => {
  const mode = runtimeMode(env);
  if (mode === 'local') {
    return {
      mode,
      recognizerWorkers: recognizerWorkersFromEnv(env),
      recognitionTimeoutMs: recognitionTimeoutMsFromEnv(env),
    };
  }
  return {
    mode,
    imagesBucket: requireEnv('IMGREC_IMAGES_BUCKET', env),
    eventBusName: requireEnv('IMGREC_EVENT_BUS_NAME', env),
  };
};
