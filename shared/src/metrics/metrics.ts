/**
 * The counters both modes keep, so that either answers "how many callbacks failed today": CloudWatch metrics (EMF)
 * on AWS, `GET /metrics` in Prometheus text format locally.
 */
export const COUNTERS = {
  blobs_created: 'Blobs created by POST /blobs (an idempotent replay does not count).',
  labels_detected: 'Images labelled: LabelsDetected published.',
  recognition_failures: 'Images that ended failed: RecognitionFailed published, by error code.',
  callback_attempts: 'Callback attempts made: each HTTP request to a callback_url.',
  callbacks_delivered: 'Callbacks a receiver accepted (2xx).',
  callbacks_failed: 'Callbacks that failed for good: the retry schedule ran out, or the receiver answered 410.',
  callbacks_dead_lettered: 'Callbacks moved to the dead-letter queue, where a redrive can replay them.',
} as const;

export type CounterName = keyof typeof COUNTERS;

/** Counts what happened. Dimensions split a counter, such as `code` for recognition failures. */
export interface Metrics {
  count(name: CounterName, dimensions?: { code: string }): void;
}
