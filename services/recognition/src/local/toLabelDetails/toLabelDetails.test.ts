import { describe, expect, it } from '@jest/globals';
import type { RawDetection } from '../detectorWorker/protocol.js';
import { toLabelDetails } from './toLabelDetails.js';

const everything = { min_confidence: 0, max_labels: 100 };

function detection(className: RawDetection['className'], score: number, box = [0.1, 0.2, 0.3, 0.4]): RawDetection {
  return { className, score, box: box as RawDetection['box'] };
}

describe('toLabelDetails', () => {
  it('reports score × 100 as confidence, with taxonomy names and parents', () => {
    expect(toLabelDetails([detection('car', 0.55)], everything)).toEqual([
      {
        name: 'car',
        confidence: 55,
        parents: ['vehicle', 'transportation'],
        instances: [{ confidence: 55, bounding_box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 } }],
      },
    ]);
    expect(toLabelDetails([detection('tv', 0.4567)], everything)[0]).toMatchObject({
      name: 'television',
      confidence: 45.7,
    });
  });

  it('groups instances of a class under one label whose confidence is its best instance', () => {
    const [horse] = toLabelDetails(
      [detection('horse', 0.35), detection('horse', 0.66), detection('horse', 0.55)],
      everything,
    );
    expect(horse?.confidence).toBe(66);
    expect(horse?.instances.map((instance) => instance.confidence)).toEqual([66, 55, 35]);
  });

  it('keeps only the 10 best instances of a label, best first', () => {
    const scores = [0.31, 0.95, 0.42, 0.88, 0.35, 0.77, 0.5, 0.61, 0.33, 0.99, 0.7, 0.45, 0.4];
    const [person] = toLabelDetails(
      scores.map((score) => detection('person', score)),
      everything,
    );
    expect(person?.confidence).toBe(99);
    expect(person?.instances.map((instance) => instance.confidence)).toEqual([99, 95, 88, 77, 70, 61, 50, 45, 42, 40]);
  });

  it('sorts labels best first, breaking ties by name', () => {
    const labels = toLabelDetails(
      [detection('dog', 0.42), detection('car', 0.55), detection('bicycle', 0.48), detection('cat', 0.42)],
      everything,
    );
    expect(labels.map((label) => label.name)).toEqual(['car', 'bicycle', 'cat', 'dog']);
  });

  it('drops instances under min_confidence and keeps those exactly at it', () => {
    const labels = toLabelDetails([detection('dog', 0.3), detection('dog', 0.29), detection('bird', 0.1)], {
      min_confidence: 30,
      max_labels: 20,
    });
    expect(labels).toHaveLength(1);
    expect(labels[0]?.instances).toHaveLength(1);
    expect(labels[0]?.confidence).toBe(30);
  });

  it('bounds the labels by max_labels without counting parents', () => {
    const labels = toLabelDetails(
      [detection('dog', 0.9), detection('car', 0.8), detection('cup', 0.7), detection('car', 0.6)],
      { min_confidence: 0, max_labels: 2 },
    );
    expect(labels.map((label) => label.name)).toEqual(['dog', 'car']);
    expect(labels[1]?.instances).toHaveLength(2);
  });

  it('clamps boxes that stray outside the image', () => {
    const [cat] = toLabelDetails([detection('cat', 0.47, [-0.008, 0.019, 1.05, 1])], everything);
    expect(cat?.instances[0]?.bounding_box).toEqual({ left: 0, top: 0.019, width: 1, height: 0.981 });
  });

  it('keeps left + width within the image after rounding', () => {
    const [cup] = toLabelDetails([detection('cup', 0.5, [0.12345, 0.5, 0.9, 0.7])], everything);
    const box = cup?.instances[0]?.bounding_box;
    expect(box).toEqual({ left: 0.1235, top: 0.5, width: 0.8765, height: 0.5 });
  });

  it('drops a box that lies wholly outside the image', () => {
    expect(toLabelDetails([detection('kite', 0.8, [1.1, 0.2, 0.3, 0.3])], everything)).toEqual([]);
  });

  it('gives every label its own parents array', () => {
    const [car, truck] = toLabelDetails([detection('car', 0.6), detection('truck', 0.5)], everything);
    car?.parents.push('mutated');
    expect(truck?.parents).toEqual(['vehicle', 'transportation']);
  });
});
