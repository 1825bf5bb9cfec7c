import sharp from 'sharp';

/** One line of a generated text image. */
export interface PrintedLine {
  text: string;
  font: string;
  /** In pixels. */
  size: number;
  bold?: boolean;
}

/**
 * Renders lines of text, one under the other, as a PNG: sharp composites an SVG `<text>` per line onto a plain
 * background, so tests and the bench get printed text with a known transcript and no fixture file.
 */
export async function renderTextImage(
  lines: readonly PrintedLine[],
  { width = 900, background = '#f4f1e8', color = '#1b1b1b' } = {},
): Promise<Buffer> {
  let baseline = 0;
  const texts = lines.map(({ text, font, size, bold }) => {
    baseline += Math.round(size * 1.6);
    const weight = bold ? ' font-weight="bold"' : '';
    return `<text x="30" y="${baseline}" font-family="${font}" font-size="${size}" fill="${color}"${weight}>${escapeXml(text)}</text>`;
  });
  const height = baseline + 40;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`;
  return sharp({ create: { width, height, channels: 3, background } })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
}

/** How many of `expected`'s characters were read right: its length less the edit distance to `actual` (≥ 0). */
export function charactersRight(expected: string, actual: string): number {
  return Math.max(0, expected.length - editDistance(expected, actual));
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
