import type { BoundingBox } from '@imgrec/shared';

/**
 * Turns a box given as [left, top, width, height] relative to the image, possibly straying outside [0,1], into the
 * contract's box: clamped to the image, to four decimals. Returns undefined when nothing of it lies inside the image.
 */
export function clampBox([left, top, width, height]: readonly [number, number, number, number]):
  BoundingBox | undefined {
  // Round the edges, not the sizes, so that left + width never passes 1.
  const x1 = roundTo(clamp01(left), 4);
  const y1 = roundTo(clamp01(top), 4);
  const x2 = roundTo(clamp01(left + width), 4);
  const y2 = roundTo(clamp01(top + height), 4);
  if (!(x2 > x1 && y2 > y1)) return undefined;
  return { left: x1, top: y1, width: roundTo(x2 - x1, 4), height: roundTo(y2 - y1, 4) };
}

/** Rounds to `decimals` places. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
