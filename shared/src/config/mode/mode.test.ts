import { describe, expect, it } from '@jest/globals';
import { defaultMinConfidence, runtimeMode } from './mode.js';

describe('runtimeMode', () => {
  it('defaults to the embedded local mode', () => {
    expect(runtimeMode({})).toBe('local');
  });

  it('accepts aws', () => {
    expect(runtimeMode({ IMGREC_MODE: 'aws' })).toBe('aws');
  });

  it('refuses anything else instead of guessing', () => {
    expect(() => runtimeMode({ IMGREC_MODE: 'AWS' })).toThrow('IMGREC_MODE');
  });
});

describe('defaultMinConfidence', () => {
  it('uses the recognizer-specific scale', () => {
    expect(defaultMinConfidence('aws')).toBe(55);
    expect(defaultMinConfidence('local')).toBe(30);
  });
});
