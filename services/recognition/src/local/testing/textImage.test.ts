import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { charactersRight, renderTextImage } from './textImage.js';

describe('charactersRight', () => {
  it.each([
    ['STOP', 'STOP', 4],
    ['STOP', 'ST0P', 3],
    ['Hello, World!', 'Hello, word:', 10],
    ['STOP', '', 0],
    ['OK', 'OK but much longer', 0],
  ])('counts %j read as %j as %i characters right', (expected, actual, right) => {
    expect(charactersRight(expected, actual)).toBe(right);
  });
});

describe('renderTextImage', () => {
  it('renders a PNG as wide as asked and tall enough for its lines', async () => {
    const png = await renderTextImage([{ text: 'Fish & chips <today>', font: 'DejaVu Sans', size: 40 }], {
      width: 500,
    });
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 500, height: 104 });
  });
});
