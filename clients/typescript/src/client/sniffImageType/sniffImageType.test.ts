import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { sniffImageType } from './sniffImageType.js';

const fixture = (name: string) => readFileSync(new URL(`../../../../../fixtures/images/${name}`, import.meta.url));

describe('sniffImageType', () => {
  it('recognises JPEG and PNG photos by their first bytes', () => {
    expect(sniffImageType(fixture('dog.jpg'))).toBe('image/jpeg');
    expect(sniffImageType(fixture('coffee.png'))).toBe('image/png');
  });

  it('recognises nothing else, however the file is named', () => {
    expect(sniffImageType(new TextEncoder().encode('%PDF-1.7'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array([0x89, 0x50, 0x4e]))).toBeUndefined();
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
  });
});
