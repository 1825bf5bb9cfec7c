import { describe, expect, it } from '@jest/globals';
import { clampBox } from './clampBox.js';

describe('clampBox', () => {
  it('keeps a box inside the image, to four decimals', () => {
    expect(clampBox([0.123456, 0.2, 0.5, 0.345678])).toEqual({ left: 0.1235, top: 0.2, width: 0.5, height: 0.3457 });
  });

  it('cuts a box that strays outside the image at its edges', () => {
    expect(clampBox([-0.1, 0.8, 0.5, 0.4])).toEqual({ left: 0, top: 0.8, width: 0.4, height: 0.2 });
  });

  it('never lets left + width pass 1', () => {
    const box = clampBox([0.33335, 0.1, 0.66666, 0.2]);
    expect((box?.left ?? 0) + (box?.width ?? 2)).toBeLessThanOrEqual(1);
  });

  it.each([
    [[1.2, 0.1, 0.3, 0.3]],
    [[0.1, -0.5, 0.3, 0.4]],
    [[0.2, 0.2, 0, 0.1]],
    [[Number.NaN, 0.2, 0.1, 0.1]],
  ] as const)('has no box for %j, which lies wholly outside the image or is empty', (raw) => {
    expect(clampBox(raw)).toBeUndefined();
  });
});
