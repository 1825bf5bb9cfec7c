import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectImages } from './collectImages.js';

describe('collectImages', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'imgrec-walk-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const touch = (...parts: string[]) => {
    const path = join(root, ...parts);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'x');
    return path;
  };

  it('walks folders, nested ones too, for .jpg, .jpeg and .png in any case, sorted by name', async () => {
    const b = touch('b.JPG');
    const a = touch('a.png');
    const nested = touch('sub', 'deeper', 'c.Jpeg');
    touch('notes.txt');
    touch('sub', 'photo.gif');
    expect(await collectImages([root])).toEqual({ files: [a, b, nested], problems: [] });
  });

  it('takes a named file whatever its extension (its content is checked later), and each file once', async () => {
    const notes = touch('notes.txt');
    const photo = touch('photo.png');
    expect(await collectImages([notes, photo, root])).toEqual({ files: [notes, photo], problems: [] });
  });

  it('follows linked files but not linked folders, so a link loop cannot trap the walk', async () => {
    const photo = touch('photo.jpg');
    symlinkSync(photo, join(root, 'link.jpg'));
    symlinkSync(root, join(root, 'loop'));
    expect((await collectImages([root])).files).toEqual([join(root, 'link.jpg'), photo]);
  });

  it('reports a missing path and a folder without images as problems, and goes on with the rest', async () => {
    const photo = touch('photo.jpg');
    mkdirSync(join(root, 'empty'));
    expect(await collectImages([join(root, 'missing.jpg'), join(root, 'empty'), photo])).toEqual({
      files: [photo],
      problems: [
        { path: join(root, 'missing.jpg'), reason: 'no such file or directory' },
        { path: join(root, 'empty'), reason: 'no .jpg, .jpeg or .png files in this folder' },
      ],
    });
  });
});
