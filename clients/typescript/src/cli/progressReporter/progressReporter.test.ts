import { describe, expect, it } from '@jest/globals';
import { createProgressReporter } from './progressReporter.js';

const stream = (isTTY: boolean) => {
  const written: string[] = [];
  return {
    written,
    stream: {
      isTTY,
      columns: 100,
      write: (text: string) => written.push(text),
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    },
  };
};

describe('createProgressReporter', () => {
  it('prints a plain line per file when stderr is not a terminal, a failure as its problem line', () => {
    const { written, stream: out } = stream(false);
    const progress = createProgressReporter(out, 2);
    progress.fileDone('a.jpg: succeeded (dog)', undefined);
    progress.fileDone('b.jpg: failed', 'imgrec: b.jpg: unsupported_image_format: bad');
    progress.stop();
    expect(written.join('')).toBe('[1/2] a.jpg: succeeded (dog)\nimgrec: b.jpg: unsupported_image_format: bad\n');
  });

  it('draws a bar on a terminal, with failures printed above it', () => {
    const { written, stream: out } = stream(true);
    const progress = createProgressReporter(out, 2);
    progress.fileDone('a.jpg: succeeded', undefined);
    progress.fileDone('b.jpg: failed', 'imgrec: b.jpg: not_an_image: not a JPEG or PNG image');
    progress.stop();
    const text = written.join('');
    expect(text).toContain('imgrec: b.jpg: not_an_image: not a JPEG or PNG image\n');
    expect(text).toContain('2/2 images | 1 failed');
    expect(text).not.toContain('[1/2]');
  });
});
