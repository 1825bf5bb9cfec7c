import { MAX_TEXT_LINES, type TextLine } from '@imgrec/shared';
import type { RawText } from '../detectorWorker/protocol.js';
import { clampBox, roundTo } from '../clampBox/clampBox.js';

/**
 * Below this line confidence (0–100) tesseract is reading texture, not text: on our photos without text its
 * sparse-text mode finds "lines" such as `Ne`, `2A` or `a ) 0` at 4–57, while real printed lines score 70 and up.
 */
export const MIN_LINE_CONFIDENCE = 60;

/** Lines with fewer letters or digits than this are stray marks (`A`, `\`, `—`), not something a reader wants. */
const MIN_ALPHANUMERICS = 2;

/**
 * Turns tesseract's lines into the contract's text lines: whitespace trimmed and collapsed, lines that are empty,
 * under MIN_LINE_CONFIDENCE or with fewer than two letters or digits dropped, confidence to one decimal, boxes
 * normalised to the image and clamped like label boxes, top to bottom (then left to right), at most MAX_TEXT_LINES.
 */
export function toTextLines({ lines, width, height }: RawText): TextLine[] {
  const kept: TextLine[] = [];
  for (const line of lines) {
    const text = line.text.replace(/\s+/gu, ' ').trim();
    const confidence = roundTo(Math.min(100, Math.max(0, line.confidence)), 1);
    if (confidence < MIN_LINE_CONFIDENCE || (text.match(/[\p{L}\p{N}]/gu) ?? []).length < MIN_ALPHANUMERICS) continue;
    const { x0, y0, x1, y1 } = line.bbox;
    const box = clampBox([x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height]);
    if (box) kept.push({ text, confidence, bounding_box: box });
  }
  return kept
    .sort((a, b) => a.bounding_box.top - b.bounding_box.top || a.bounding_box.left - b.bounding_box.left)
    .slice(0, MAX_TEXT_LINES);
}
