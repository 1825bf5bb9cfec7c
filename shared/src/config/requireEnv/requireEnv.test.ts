import { describe, expect, it } from '@jest/globals';
import { requireEnv } from './requireEnv.js';

describe('requireEnv', () => {
  it('returns the value of a set variable', () => {
    expect(requireEnv('TABLE', { TABLE: 'results' })).toBe('results');
  });

  it('names the variable when it is missing or empty', () => {
    expect(() => requireEnv('TABLE', {})).toThrow('TABLE');
    expect(() => requireEnv('TABLE', { TABLE: '' })).toThrow('TABLE');
  });
});
