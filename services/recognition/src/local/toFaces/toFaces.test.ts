import { describe, expect, it } from '@jest/globals';
import { EMOTION_TYPES, MAX_FACES, faceSchema } from '@imgrec/shared';
import type { RawFace } from '../detectorWorker/protocol.js';
import { toFaces } from './toFaces.js';

const face = (score: number, overrides: Partial<RawFace> = {}): RawFace => ({
  score,
  box: [0.3, 0.1, 0.28, 0.28],
  emotions: [],
  ...overrides,
});

describe('toFaces', () => {
  it("reports BlazeFace's score as a confidence 0–100 and the box relative to the image", () => {
    expect(toFaces([face(0.8734)])).toEqual([
      { confidence: 87.3, bounding_box: { left: 0.3, top: 0.1, width: 0.28, height: 0.28 }, emotions: [] },
    ]);
  });

  it('names emotions as Rekognition does, neutral as calm, best first, with confidences 0–100', () => {
    const [read] = toFaces([
      face(0.9, {
        emotions: [
          { emotion: 'neutral', score: 0.1 },
          { emotion: 'surprise', score: 0.25 },
          { emotion: 'happy', score: 0.6 },
          { emotion: 'disgust', score: 0.05 },
        ],
      }),
    ]);
    expect(read?.emotions).toEqual([
      { type: 'happy', confidence: 60 },
      { type: 'surprised', confidence: 25 },
      { type: 'calm', confidence: 10 },
      { type: 'disgusted', confidence: 5 },
    ]);
  });

  it('maps every emotion human knows to one of the contract', () => {
    const emotions = (['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const).map((emotion) => ({
      emotion,
      score: 0.1,
    }));
    const [read] = toFaces([face(0.9, { emotions })]);
    for (const { type } of read?.emotions ?? []) expect(EMOTION_TYPES).toContain(type);
    expect(read?.emotions).toHaveLength(7);
  });

  it('gives no age range, since the local model estimates none', () => {
    expect(toFaces([face(0.9)])[0]).not.toHaveProperty('age_range');
  });

  it('orders faces best first', () => {
    const read = toFaces([face(0.6), face(0.95), face(0.7)]);
    expect(read.map(({ confidence }) => confidence)).toEqual([95, 70, 60]);
  });

  it('clamps a box that strays outside the image, and drops a face wholly outside it', () => {
    const read = toFaces([face(0.9, { box: [0.06, -0.03, 0.68, 1.03] }), face(0.8, { box: [1.1, 0.2, 0.2, 0.2] })]);
    expect(read).toEqual([
      { confidence: 90, bounding_box: { left: 0.06, top: 0, width: 0.68, height: 1 }, emotions: [] },
    ]);
  });

  it(`keeps the ${MAX_FACES} best faces of a crowd`, () => {
    const crowd = Array.from({ length: MAX_FACES + 5 }, (_, index) => face(0.5 + index / 1000));
    const read = toFaces(crowd);
    expect(read).toHaveLength(MAX_FACES);
    expect(read.at(-1)?.confidence).toBe(50.5);
  });

  it('produces faces the contract accepts', () => {
    const read = toFaces([face(1.2, { emotions: [{ emotion: 'sad', score: 1.0001 }] })]);
    expect(read.map((each) => faceSchema.parse(each))).toEqual(read);
  });
});
