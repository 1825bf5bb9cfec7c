import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { COCO_CLASS_NAMES, labelForCocoClass } from './labelForCocoClass.js';

/** The class names human declares for its object detector (the `ObjectType` union in its typings). */
function humanObjectTypes(): string[] {
  const humanMain = createRequire(import.meta.url).resolve('@vladmandic/human');
  const typings = readFileSync(path.join(path.dirname(humanMain), '..', 'types', 'human.d.ts'), 'utf8');
  const union = /export declare type ObjectType = ([^;]+);/.exec(typings)?.[1] ?? '';
  return [...union.matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '');
}

describe('labelForCocoClass', () => {
  it('covers exactly the classes human says its detector emits', () => {
    expect(COCO_CLASS_NAMES).toHaveLength(80);
    expect([...COCO_CLASS_NAMES]).toEqual(humanObjectTypes());
  });

  it('gives every class a lower-case name and lower-case, unique parents that never repeat the name', () => {
    for (const className of COCO_CLASS_NAMES) {
      const { name, parents } = labelForCocoClass(className);
      expect(name).toBe(name.toLowerCase());
      expect(name.trim()).toBe(name);
      for (const parent of parents) expect(parent).toBe(parent.toLowerCase());
      expect(new Set(parents).size).toBe(parents.length);
      expect(parents).not.toContain(name);
    }
  });

  it('gives distinct classes distinct names', () => {
    const names = COCO_CLASS_NAMES.map((className) => labelForCocoClass(className).name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ['car', 'car', ['vehicle', 'transportation']],
    ['airplane', 'airplane', ['aircraft', 'vehicle', 'transportation']],
    ['dog', 'dog', ['canine', 'pet', 'mammal', 'animal']],
    ['horse', 'horse', ['mammal', 'animal']],
    ['person', 'person', ['human']],
    ['cup', 'cup', ['tableware']],
    ['spoon', 'spoon', ['cutlery', 'tableware']],
    ['tv', 'television', ['screen', 'electronics']],
    ['hair drier', 'hair dryer', ['appliance']],
  ] as const)('maps %s to %s with its parents nearest first', (className, name, parents) => {
    expect(labelForCocoClass(className)).toEqual({ name, parents });
  });
});
