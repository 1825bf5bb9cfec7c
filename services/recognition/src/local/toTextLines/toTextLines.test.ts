import { describe, expect, it } from '@jest/globals';
import { MAX_TEXT_LINES } from '@imgrec/shared';
import type { RawTextLine } from '../detectorWorker/protocol.js';
import { toTextLines } from './toTextLines.js';

const line = (text: string, y0: number, overrides: Partial<RawTextLine> = {}): RawTextLine => ({
  text,
  confidence: 95.5,
  bbox: { x0: 20, y0, x1: 220, y1: y0 + 30 },
  ...overrides,
});

describe('toTextLines', () => {
  it('reports each line with its text, confidence and a box relative to the image', () => {
    expect(toTextLines({ lines: [line('STOP\n', 50)], width: 400, height: 200 })).toEqual([
      { text: 'STOP', confidence: 95.5, bounding_box: { left: 0.05, top: 0.25, width: 0.5, height: 0.15 } },
    ]);
  });

  it('orders lines top to bottom, then left to right, whatever order tesseract found them in', () => {
    const lines = [
      line('third', 150),
      line('second right', 80, { bbox: { x0: 300, y0: 80, x1: 390, y1: 100 } }),
      line('first', 10),
      line('second left', 80),
    ];
    expect(toTextLines({ lines, width: 400, height: 200 }).map(({ text }) => text)).toEqual([
      'first',
      'second left',
      'second right',
      'third',
    ]);
  });

  it('trims the text and collapses its runs of whitespace', () => {
    expect(toTextLines({ lines: [line('  Fresh \t coffee  2.50 \n', 0)], width: 400, height: 200 })[0]?.text).toBe(
      'Fresh coffee 2.50',
    );
  });

  it('drops empty and blank lines, and stray marks with fewer than two letters or digits', () => {
    const lines = [line('', 0), line(' \n ', 20), line('—', 40), line('A', 60), line('\\ |', 80), line('OK', 100)];
    expect(toTextLines({ lines, width: 400, height: 200 }).map(({ text }) => text)).toEqual(['OK']);
  });

  it('drops lines tesseract is unsure of, which on photos are texture read as letters', () => {
    const lines = [line('Ne', 0, { confidence: 51 }), line('NERC', 40, { confidence: 36 }), line('EXIT', 80)];
    expect(toTextLines({ lines, width: 400, height: 200 }).map(({ text }) => text)).toEqual(['EXIT']);
  });

  it('keeps confidence within 0–100, to one decimal', () => {
    const lines = [line('over', 0, { confidence: 100.4 }), line('fine', 40, { confidence: 87.26 })];
    expect(toTextLines({ lines, width: 400, height: 200 }).map(({ confidence }) => confidence)).toEqual([100, 87.3]);
  });

  it('clamps a box that strays outside the image, and drops a line wholly outside it', () => {
    const lines = [
      line('edge', 180, { bbox: { x0: -10, y0: 180, x1: 410, y1: 215 } }),
      line('gone', 0, { bbox: { x0: 500, y0: 0, x1: 600, y1: 20 } }),
    ];
    expect(toTextLines({ lines, width: 400, height: 200 })).toEqual([
      { text: 'edge', confidence: 95.5, bounding_box: { left: 0, top: 0.9, width: 1, height: 0.1 } },
    ]);
  });

  it(`keeps the ${MAX_TEXT_LINES} topmost lines of a page with more`, () => {
    const lines = Array.from({ length: MAX_TEXT_LINES + 20 }, (_, index) => line(`line ${index}`, index * 2));
    const read = toTextLines({ lines, width: 400, height: 1000 });
    expect(read).toHaveLength(MAX_TEXT_LINES);
    expect(read.at(-1)?.text).toBe(`line ${MAX_TEXT_LINES - 1}`);
  });

  it('reads no lines as an empty list', () => {
    expect(toTextLines({ lines: [], width: 400, height: 200 })).toEqual([]);
  });
});
