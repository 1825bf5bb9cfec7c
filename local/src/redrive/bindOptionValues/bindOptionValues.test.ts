import { describe, expect, it } from '@jest/globals';
import { parseArgs } from 'node:util';
import { bindOptionValues } from './bindOptionValues.js';

describe('bindOptionValues', () => {
  it('lets parseArgs read a blob id that starts with a dash', () => {
    const args = bindOptionValues(['--blob', '-SNoVUgNrDJ3owtLA0A3OA'], ['--blob']);
    expect(parseArgs({ args, options: { blob: { type: 'string' } } }).values.blob).toBe('-SNoVUgNrDJ3owtLA0A3OA');
  });

  it('leaves other arguments and an already bound value alone', () => {
    expect(bindOptionValues(['--help', '--blob=abc'], ['--blob'])).toEqual(['--help', '--blob=abc']);
  });

  it('leaves a trailing option without a value for parseArgs to report', () => {
    expect(bindOptionValues(['--blob'], ['--blob'])).toEqual(['--blob']);
  });
});
