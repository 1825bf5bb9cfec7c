import type { BlobResult } from '@imgrec/client';

/** A box to draw over the image, in percent of the image's width and height. */
export interface OverlayBox {
  kind: 'label' | 'text' | 'face';
  /** The label's name, the line of text, or the face's number (1 for the first face). */
  name: string;
  /** What the box says on the page: the name and the confidence. */
  caption: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

type BoundingBox = { left: number; top: number; width: number; height: number };

const percent = (fraction: number) => Math.round(fraction * 10_000) / 100;

/** The box in percent, cut to the image, so that a box the model let run past an edge is drawn up to that edge. */
const placed = (box: BoundingBox) => {
  const left = Math.min(Math.max(box.left, 0), 1);
  const top = Math.min(Math.max(box.top, 0), 1);
  return {
    left: percent(left),
    top: percent(top),
    width: percent(Math.min(Math.max(box.width, 0), 1 - left)),
    height: percent(Math.min(Math.max(box.height, 0), 1 - top)),
  };
};

const confidence = (value: number) => `${Math.round(value)}%`;

type Face = NonNullable<BlobResult['faces']>[number];

/** How the page names a face: its number (1 for the first), confidence, age range and likeliest emotion when known. */
export const faceCaption = (face: Face, index: number): string =>
  [
    `face ${index + 1} ${confidence(face.confidence)}`,
    face.age_range && `age ${face.age_range.low}–${face.age_range.high}`,
    face.emotions?.[0]?.type,
  ]
    .filter(Boolean)
    .join(' · ');

/**
 * Every box a result holds, in the order to draw them: each instance of each label (the API's fractions of the
 * image's size, as percentages), then each line of text, then each face. Labels without instances (a scene, a
 * parent) have nothing to draw.
 */
export const overlayBoxes = (blob: BlobResult): OverlayBox[] => [
  ...(blob.label_details ?? []).flatMap((label) =>
    label.instances.map((instance) => ({
      kind: 'label' as const,
      name: label.name,
      caption: `${label.name} ${confidence(instance.confidence)}`,
      ...placed(instance.bounding_box),
    })),
  ),
  ...(blob.text ?? []).map((line) => ({
    kind: 'text' as const,
    name: line.text,
    caption: line.text,
    ...placed(line.bounding_box),
  })),
  ...(blob.faces ?? []).map((face, index) => ({
    kind: 'face' as const,
    name: String(index + 1),
    caption: faceCaption(face, index),
    ...placed(face.bounding_box),
  })),
];
