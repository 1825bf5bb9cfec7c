import { MAX_INSTANCES_PER_LABEL, type LabelDetail, type RecognitionOptions } from '@imgrec/shared';
import { labelForCocoClass } from '../../taxonomy/labelForCocoClass/labelForCocoClass.js';
import { clampBox, roundTo } from '../clampBox/clampBox.js';
import type { RawDetection } from '../detectorWorker/protocol.js';

/**
 * Turns the detector's raw detections into labels the way Rekognition reports them: confidence is the score × 100
 * (to one decimal), instances below `min_confidence` are dropped, instances of one class form one label whose
 * confidence is its best instance, labels come best first and at most `max_labels` of them (parents do not count).
 * Each label keeps only its MAX_INSTANCES_PER_LABEL best instances, best first.
 * Boxes are clamped to the image; a box that lies wholly outside it is no instance at all.
 */
export function toLabelDetails(detections: readonly RawDetection[], options: RecognitionOptions): LabelDetail[] {
  const byName = new Map<string, LabelDetail>();
  for (const { className, score, box } of detections) {
    const confidence = roundTo(score * 100, 1);
    const boundingBox = clampBox(box);
    if (confidence < options.min_confidence || !boundingBox) continue;
    const { name, parents } = labelForCocoClass(className);
    const label = byName.get(name) ?? { name, confidence, parents: [...parents], instances: [] };
    label.confidence = Math.max(label.confidence, confidence);
    label.instances.push({ confidence, bounding_box: boundingBox });
    byName.set(name, label);
  }
  const labels = [...byName.values()];
  for (const label of labels) {
    label.instances = label.instances.sort(byConfidenceDescending).slice(0, MAX_INSTANCES_PER_LABEL);
  }
  return labels
    .sort((a, b) => byConfidenceDescending(a, b) || a.name.localeCompare(b.name))
    .slice(0, options.max_labels);
}

function byConfidenceDescending(a: { confidence: number }, b: { confidence: number }): number {
  return b.confidence - a.confidence;
}
