import type { CocoClassName } from '../../taxonomy/labelForCocoClass/labelForCocoClass.js';

/**
 * Messages between the detector pool (main thread) and a detector worker. The worker answers one request at a
 * time, in order, so replies carry no job id. Errors cross the thread boundary as codes, never as objects.
 */
export interface DetectRequest {
  type: 'detect';
  /** The encoded JPEG or PNG; transferred, so the sender must not reuse its buffer. */
  image: Uint8Array;
  /** Detections scoring at or below this (0–1) are not worth sending back. */
  minScore: number;
}

/** One detected object. `box` is [left, top, width, height] relative to the oriented image; it may stray outside [0,1]. */
export interface RawDetection {
  className: CocoClassName;
  score: number;
  box: [number, number, number, number];
}

export interface ReadyMessage {
  type: 'ready';
  /** Time to load the backend and the model, and to run one warm-up inference. */
  loadMs: number;
  warmupMs: number;
}

export interface DetectedMessage {
  type: 'detected';
  detections: RawDetection[];
  decodeMs: number;
  inferenceMs: number;
}

/** The bytes could not be decoded: a final verdict on the image. */
export interface UndecodableMessage {
  type: 'undecodable';
  reason: string;
}

/** Inference failed for a reason unrelated to the bytes. */
export interface FailedMessage {
  type: 'failed';
  reason: string;
}

export type DetectorWorkerMessage = ReadyMessage | DetectedMessage | UndecodableMessage | FailedMessage;
