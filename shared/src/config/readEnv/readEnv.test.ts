import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../errors/index.js';
import { readChoice, readInteger, readList, requireEnv } from './readEnv.js';

describe('requireEnv', () => {
  it('returns the value of a set variable', () => {
    expect(requireEnv('TABLE', { TABLE: 'results' })).toBe('results');
  });

  it('names the variable when it is missing or empty', () => {
    expect(() => requireEnv('TABLE', {})).toThrow(new ConfigError('Missing required environment variable TABLE'));
    expect(() => requireEnv('TABLE', { TABLE: '' })).toThrow(ConfigError);
  });
});

describe('readInteger', () => {
  it('reads a whole number within its bounds, or the fallback when unset', () => {
    expect(readInteger('WORKERS', { min: 1, max: 8 }, 2, { WORKERS: '4' })).toBe(4);
    expect(readInteger('WORKERS', { min: 1, max: 8 }, 2, {})).toBe(2);
  });

  it.each(['0', '9', '1.5', 'many', ''])('refuses %j, naming the variable and the bounds', (raw) => {
    expect(() => readInteger('WORKERS', { min: 1, max: 8 }, 2, { WORKERS: raw })).toThrow(
      `WORKERS must be a whole number from 1 to 8, got "${raw}"`,
    );
  });
});

describe('readChoice', () => {
  it('reads one of the values, or the fallback when unset', () => {
    expect(readChoice('LEVEL', ['debug', 'info'], 'info', { LEVEL: 'debug' })).toBe('debug');
    expect(readChoice('LEVEL', ['debug', 'info'], 'info', {})).toBe('info');
  });

  it('refuses anything else, listing the values it takes', () => {
    expect(() => readChoice('LEVEL', ['debug', 'info'], 'info', { LEVEL: 'verbose' })).toThrow(
      'LEVEL must be one of debug, info, got "verbose"',
    );
  });
});

describe('readList', () => {
  const seconds = (entry: string) => {
    if (!/^\d+$/.test(entry)) throw new ConfigError(`bad entry "${entry}"`);
    return Number(entry);
  };

  it('reads comma-separated entries, trimmed and parsed', () => {
    expect(readList('DELAYS', seconds, [5], { DELAYS: '1, 2,3' })).toEqual([1, 2, 3]);
  });

  it('gives the fallback when unset, and nothing when set to an empty string', () => {
    expect(readList('DELAYS', seconds, [5], {})).toEqual([5]);
    expect(readList('DELAYS', seconds, [5], { DELAYS: ' ' })).toEqual([]);
  });

  it('lets the parser refuse an entry', () => {
    expect(() => readList('DELAYS', seconds, [5], { DELAYS: '1,x' })).toThrow('bad entry "x"');
  });
});
