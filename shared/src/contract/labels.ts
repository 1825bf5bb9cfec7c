import type { Feature } from './blob.js';

export interface BoundingBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LabelInstance {
  confidence: number;
  bounding_box: BoundingBox;
}

export interface LabelDetail {
  name: string;
  confidence: number;
  parents: string[];
  instances: LabelInstance[];
}

export interface ModelInfo {
  provider: 'rekognition' | 'local';
  name: string;
  version: string;
}

export interface RecognitionOptions {
  min_confidence: number;
  max_labels: number;
  /** Absent on blobs from before `features` existed, which asked for labels; see requestedFeatures. */
  features?: Feature[];
}

/** The limits every image must meet before it reaches a model: at most 15 MB, and 80–10,000 px on each side. */
export const IMAGE_LIMITS = {
  maxBytes: 15 * 1024 * 1024,
  minSidePx: 80,
  maxSidePx: 10_000,
} as const;
