import type { Feature } from '@imgrec/shared';
import type { CocoClassName } from '../../taxonomy/labelForCocoClass/labelForCocoClass.js';

/**
 * Messages between the detector pool (main thread) and a detector worker. The worker answers one request at a
 * time, in order, so replies carry no job id. Errors cross the thread boundary as codes, never as objects.
 */
export interface DetectRequest {
  type: 'detect';
  /** The encoded JPEG or PNG; transferred, so the sender must not reuse its buffer. */
  image: Uint8Array;
  /** The detectors to run, each once; the reply carries a field for each of them and no other. */
  features: readonly Feature[];
  /** Objects scoring at or below this (0–1) are not worth sending back. */
  minScore: number;
}

/** One detected object. `box` is [left, top, width, height] relative to the oriented image; it may stray outside [0,1]. */
export interface RawDetection {
  className: CocoClassName;
  score: number;
  box: [number, number, number, number];
}

/** One line as tesseract reports it: its text as read (maybe blank), confidence 0–100, and a box in pixels. */
export interface RawTextLine {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/** The lines tesseract read, and the size in pixels of the (oriented) image it read them from. */
export interface RawText {
  lines: RawTextLine[];
  width: number;
  height: number;
}

/** An emotion as human names it. */
export type HumanEmotion = 'angry' | 'disgust' | 'fear' | 'happy' | 'sad' | 'surprise' | 'neutral';

/**
 * One face as human reports it: BlazeFace's score (0–1), its box [left, top, width, height] relative to the oriented
 * image (it may stray outside [0,1]), and the emotion model's scores (0–1).
 */
export interface RawFace {
  score: number;
  box: [number, number, number, number];
  emotions: { emotion: HumanEmotion; score: number }[];
}

export interface ReadyMessage {
  type: 'ready';
  /** Time to load the backend and the object detector; the warm-up inference follows, before the first job. */
  loadMs: number;
}

/** Sent as the worker starts a detector, so that if the worker dies the pool knows which detector took it down. */
export interface RunningMessage {
  type: 'running';
  feature: Feature;
}

export interface DetectedMessage {
  type: 'detected';
  labels?: RawDetection[];
  text?: RawText;
  faces?: RawFace[];
}

/** The bytes could not be decoded: a final verdict on the image. */
export interface UndecodableMessage {
  type: 'undecodable';
  reason: string;
}

/** A detector threw (or human reported an error) on an image that decoded. */
export interface FailedMessage {
  type: 'failed';
  feature: Feature;
  reason: string;
}

export type DetectorWorkerMessage =
  ReadyMessage | RunningMessage | DetectedMessage | UndecodableMessage | FailedMessage;
