import { describe, expect, it } from '@jest/globals';
import { labelNamesOf, type EventDetail, type LabelDetail } from '@imgrec/shared';
import { MAX_LABELS_DETECTED_BYTES, fitEventSize, labelsDetectedEntryBytes } from './fitEventSize.js';

const EVENTBRIDGE_MAX_ENTRY_BYTES = 256 * 1024;

const box = { left: 0.1234, top: 0.2345, width: 0.3456, height: 0.4567 };

const labelsDetected = (
  labelDetails: LabelDetail[],
): EventDetail<'LabelsDetected'> & { label_details: LabelDetail[] } => ({
  blob_id: 'b1',
  tenant_id: 'tnt_a',
  options: { min_confidence: 0, max_labels: 100 },
  callback_url: 'https://hooks.example/',
  created_at: '2026-11-27T12:00:00.000Z',
  labels: labelNamesOf(labelDetails),
  label_details: labelDetails,
  model: { provider: 'rekognition', name: 'DetectLabels', version: '3.0' },
  completed_at: '2026-11-27T12:00:02.000Z',
});

const label = (name: string, confidences: number[], parents: string[] = []): LabelDetail => ({
  name,
  confidence: Math.max(...confidences),
  parents,
  instances: confidences.map((confidence) => ({ confidence, bounding_box: box })),
});

/** 100 labels with long names and parents, 10 instances each: well over what EventBridge takes. */
const crowdedScene = () =>
  labelsDetected(
    Array.from({ length: 100 }, (_, i) =>
      label(
        `label ${i} ${'with a long descriptive name '.repeat(18)}`,
        Array.from({ length: 10 }, (_, j) => 99 - j * 9 - (i % 8)),
        [`parent ${i} ${'of a long lineage '.repeat(22)}`],
      ),
    ),
  );

describe('fitEventSize', () => {
  it('returns a detail that fits as it is', () => {
    const detail = labelsDetected([label('dog', [97.1, 80.2]), label('cat', [55])]);

    expect(fitEventSize(detail)).toEqual({ detail, droppedInstances: 0 });
  });

  it('brings an oversized event under the EventBridge limit by dropping only instances, weakest first', () => {
    const detail = crowdedScene();
    expect(labelsDetectedEntryBytes(detail)).toBeGreaterThan(EVENTBRIDGE_MAX_ENTRY_BYTES);

    const { detail: fittedDetail, droppedInstances } = fitEventSize(detail);
    const fitted = { ...fittedDetail, label_details: fittedDetail.label_details ?? [] };

    expect(labelsDetectedEntryBytes(fitted)).toBeLessThanOrEqual(MAX_LABELS_DETECTED_BYTES);
    expect(droppedInstances).toBeGreaterThan(0);
    expect({ ...fitted, label_details: undefined }).toEqual({ ...detail, label_details: undefined });
    expect(fitted.label_details.map(({ name, confidence, parents }) => ({ name, confidence, parents }))).toEqual(
      detail.label_details.map(({ name, confidence, parents }) => ({ name, confidence, parents })),
    );
    // Each label keeps a prefix of its best-first instances, and no kept instance is weaker than a dropped one.
    const kept = fitted.label_details.flatMap((fittedLabel, index) => {
      const original = detail.label_details[index]?.instances ?? [];
      expect(fittedLabel.instances).toEqual(original.slice(0, fittedLabel.instances.length));
      return fittedLabel.instances.map((instance) => instance.confidence);
    });
    const dropped = detail.label_details.flatMap((original, index) =>
      original.instances.slice(fitted.label_details[index]?.instances.length).map((instance) => instance.confidence),
    );
    expect(dropped).toHaveLength(droppedInstances);
    expect(kept.length).toBeGreaterThan(0);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
  });

  it('drops no more instances than it must, the weakest across all labels', () => {
    const detail = labelsDetected([label('dog', [90, 20]), label('cat', [80, 30])]);

    const { detail: fitted, droppedInstances } = fitEventSize(detail, labelsDetectedEntryBytes(detail) - 1);

    expect(droppedInstances).toBe(1);
    expect(fitted.label_details).toEqual([label('dog', [90]), label('cat', [80, 30])]);
  });

  it('leaves the detail it was given untouched', () => {
    const detail = crowdedScene();
    const before = structuredClone(detail);

    fitEventSize(detail);

    expect(detail).toEqual(before);
  });
});
