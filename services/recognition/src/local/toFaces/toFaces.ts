import { MAX_FACES, type EmotionType, type Face } from '@imgrec/shared';
import type { HumanEmotion, RawFace } from '../detectorWorker/protocol.js';
import { clampBox, roundTo } from '../clampBox/clampBox.js';

/** human's emotion names as Rekognition names them; Rekognition calls a neutral face calm. */
const EMOTIONS: Record<HumanEmotion, EmotionType> = {
  angry: 'angry',
  disgust: 'disgusted',
  fear: 'fear',
  happy: 'happy',
  sad: 'sad',
  surprise: 'surprised',
  neutral: 'calm',
};

/**
 * Turns human's faces into the contract's: confidence is BlazeFace's score × 100 (to one decimal), boxes are clamped
 * to the image (a face wholly outside it is dropped), emotions take Rekognition's names, best first, with
 * confidences × 100. Faces come best first, at most MAX_FACES. No `age_range`: the local model estimates no age.
 */
export function toFaces(raw: readonly RawFace[]): Face[] {
  const faces: Face[] = [];
  for (const { score, box, emotions } of raw) {
    const boundingBox = clampBox(box);
    if (!boundingBox) continue;
    faces.push({
      confidence: percent(score),
      bounding_box: boundingBox,
      emotions: emotions
        .map(({ emotion, score: emotionScore }) => ({ type: EMOTIONS[emotion], confidence: percent(emotionScore) }))
        .sort((a, b) => b.confidence - a.confidence),
    });
  }
  return faces.sort((a, b) => b.confidence - a.confidence).slice(0, MAX_FACES);
}

function percent(score: number): number {
  return roundTo(Math.min(1, Math.max(0, score)) * 100, 1);
}
