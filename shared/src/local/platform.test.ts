import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { localConfigFromEnv } from './platform.js';

describe('localConfigFromEnv', () => {
  it('defaults to ./.imgrec, localhost on PORT, and one worker per core', () => {
    expect(localConfigFromEnv({ PORT: '4321' }, 8)).toEqual({
      dataDir: resolve('.imgrec'),
      publicUrl: 'http://localhost:4321',
      recognizerWorkers: 8,
    });
  });

  it('takes an explicit public URL without its trailing slash', () => {
    expect(localConfigFromEnv({ IMGREC_PUBLIC_URL: 'https://imgrec.example/' }, 2).publicUrl).toBe(
      'https://imgrec.example',
    );
  });

  it('refuses a worker count that is not a positive integer', () => {
    expect(() => localConfigFromEnv({ IMGREC_RECOGNIZER_WORKERS: '0' }, 2)).toThrow('IMGREC_RECOGNIZER_WORKERS');
    expect(() => localConfigFromEnv({ IMGREC_RECOGNIZER_WORKERS: 'many' }, 2)).toThrow('IMGREC_RECOGNIZER_WORKERS');
  });
});
