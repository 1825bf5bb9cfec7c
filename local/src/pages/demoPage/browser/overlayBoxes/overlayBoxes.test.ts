import { describe, expect, it } from '@jest/globals';
import type { BlobResult } from '@imgrec/client';
import { faceCaption, overlayBoxes } from './overlayBoxes.js';

const blob = (fields: Partial<BlobResult>): BlobResult => ({
  blob_id: 'b',
  status: 'succeeded',
  options: { min_confidence: 30, max_labels: 20, features: ['labels'] },
  created_at: '2026-11-28T12:00:00.000Z',
  updated_at: '2026-11-28T12:00:01.000Z',
  ...fields,
});

const box = { left: 0.1, top: 0.2, width: 0.5, height: 0.25 };

describe('overlayBoxes', () => {
  it('draws one box per instance of each label, in percent of the image', () => {
    const boxes = overlayBoxes(
      blob({
        label_details: [
          {
            name: 'dog',
            confidence: 90,
            parents: [],
            instances: [
              { confidence: 90.4, bounding_box: box },
              { confidence: 41, bounding_box: box },
            ],
          },
          { name: 'outdoors', confidence: 80, parents: [], instances: [] },
        ],
      }),
    );
    expect(boxes).toEqual([
      { kind: 'label', name: 'dog', caption: 'dog 90%', left: 10, top: 20, width: 50, height: 25 },
      { kind: 'label', name: 'dog', caption: 'dog 41%', left: 10, top: 20, width: 50, height: 25 },
    ]);
  });

  it('cuts a box that runs past the image at its edge', () => {
    const [placed] = overlayBoxes(
      blob({
        text: [{ text: 'STOP', confidence: 99, bounding_box: { left: -0.1, top: 0.9, width: 0.5, height: 0.3 } }],
      }),
    );
    expect(placed).toMatchObject({ left: 0, top: 90, width: 50, height: 10 });
  });

  it('adds the lines of text and the faces after the labels', () => {
    const boxes = overlayBoxes(
      blob({
        label_details: [
          { name: 'person', confidence: 99, parents: [], instances: [{ confidence: 99, bounding_box: box }] },
        ],
        text: [{ text: 'OPEN', confidence: 95, bounding_box: box }],
        faces: [{ confidence: 99.9, bounding_box: box }],
      }),
    );
    expect(boxes.map(({ kind, name, caption }) => ({ kind, name, caption }))).toEqual([
      { kind: 'label', name: 'person', caption: 'person 99%' },
      { kind: 'text', name: 'OPEN', caption: 'OPEN' },
      { kind: 'face', name: '1', caption: 'face 1 100%' },
    ]);
  });

  it('draws nothing for a failed blob', () => {
    expect(overlayBoxes(blob({ status: 'failed' }))).toEqual([]);
  });
});

describe('faceCaption', () => {
  it('names a face by its number, with the age range and likeliest emotion when known', () => {
    const face = {
      confidence: 97.2,
      bounding_box: box,
      age_range: { low: 25, high: 35 },
      emotions: [
        { type: 'happy' as const, confidence: 90 },
        { type: 'calm' as const, confidence: 5 },
      ],
    };
    expect(faceCaption(face, 1)).toBe('face 2 97% · age 25–35 · happy');
    expect(faceCaption({ confidence: 60, bounding_box: box }, 0)).toBe('face 1 60%');
  });
});
