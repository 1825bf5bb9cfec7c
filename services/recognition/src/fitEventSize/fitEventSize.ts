import { EVENT_SOURCES, type EventDetail, type LabelInstance } from '@imgrec/shared';

type LabelsDetectedDetail = EventDetail<'LabelsDetected'>;

/**
 * The most a LabelsDetected entry may weigh here: EventBridge refuses entries over 256 KB, and the 16 KB margin
 * covers what it counts and we do not (Time, Resources), so a fitted event is never refused for its size.
 */
export const MAX_LABELS_DETECTED_BYTES = 240 * 1024;

/** The bytes EventBridge counts for a LabelsDetected entry with this detail: Source, DetailType and Detail. */
export const labelsDetectedEntryBytes = (detail: LabelsDetectedDetail): number =>
  Buffer.byteLength(EVENT_SOURCES.LabelsDetected) +
  Buffer.byteLength('LabelsDetected') +
  Buffer.byteLength(JSON.stringify(detail));

const withoutInstances = (detail: LabelsDetectedDetail, dropped: ReadonlySet<LabelInstance>): LabelsDetectedDetail => ({
  ...detail,
  label_details: detail.label_details?.map((label) => ({
    ...label,
    instances: label.instances.filter((instance) => !dropped.has(instance)),
  })),
});

/**
 * Makes a LabelsDetected detail fit in one EventBridge entry (`maxBytes`, by default MAX_LABELS_DETECTED_BYTES), so
 * that a busy image is published with fewer boxes rather than dead-lettered. Only instances go: the weakest across
 * all labels first, as few as needed, so each label keeps its best boxes in their order. Labels (name, confidence,
 * parents) and every other fact stay. A detail that fits is returned as it is. Never throws: a detail that would not
 * fit even without instances (labels alone take a few KB, even 100 of them) comes back without any.
 */
export const fitEventSize = (
  detail: LabelsDetectedDetail,
  maxBytes = MAX_LABELS_DETECTED_BYTES,
): { detail: LabelsDetectedDetail; droppedInstances: number } => {
  if (labelsDetectedEntryBytes(detail) <= maxBytes) return { detail, droppedInstances: 0 };
  // Reversed before the (stable) sort so that, among equal confidences, a label's later instances go first.
  const weakestFirst = (detail.label_details ?? [])
    .flatMap((label) => label.instances)
    .reverse()
    .sort((a, b) => a.confidence - b.confidence);
  const dropping = (count: number) => withoutInstances(detail, new Set(weakestFirst.slice(0, count)));
  // The size only shrinks as more instances go, so a binary search finds the fewest to drop in a few serializations.
  let tooFew = 0;
  let enough = weakestFirst.length;
  while (enough - tooFew > 1) {
    const count = Math.floor((tooFew + enough) / 2);
    if (labelsDetectedEntryBytes(dropping(count)) <= maxBytes) enough = count;
    else tooFew = count;
  }
  return { detail: dropping(enough), droppedInstances: enough };
};
