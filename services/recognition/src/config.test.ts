import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@imgrec/shared';
import { availableParallelism } from 'node:os';
import { recognitionConfigFromEnv, recognitionTimeoutMsFromEnv, recognizerWorkersFromEnv } from './config.js';

describe('recognizerWorkersFromEnv', () => {
  it('runs one inference worker per core unless told otherwise', () => {
    expect(recognizerWorkersFromEnv({})).toBe(availableParallelism());
    expect(recognizerWorkersFromEnv({ IMGREC_RECOGNIZER_WORKERS: '3' })).toBe(3);
  });

  it.each(['0', '-1', '1.5', 'two', ''])('refuses IMGREC_RECOGNIZER_WORKERS=%j', (raw) => {
    expect(() => recognizerWorkersFromEnv({ IMGREC_RECOGNIZER_WORKERS: raw })).toThrow(ConfigError);
  });
});

describe('recognitionTimeoutMsFromEnv', () => {
  it('gives each image 30 s unless told otherwise, in milliseconds', () => {
    expect(recognitionTimeoutMsFromEnv({})).toBe(30_000);
    expect(recognitionTimeoutMsFromEnv({ IMGREC_RECOGNITION_TIMEOUT_S: '2.5' })).toBe(2500);
  });

  it.each(['0', '-5', 'soon', ''])('refuses IMGREC_RECOGNITION_TIMEOUT_S=%j', (raw) => {
    expect(() => recognitionTimeoutMsFromEnv({ IMGREC_RECOGNITION_TIMEOUT_S: raw })).toThrow(ConfigError);
  });
});

describe('recognitionConfigFromEnv', () => {
  it('reads the worker count and the deadline per image in local mode, and needs nothing else', () => {
    expect(recognitionConfigFromEnv({ IMGREC_RECOGNIZER_WORKERS: '2', IMGREC_RECOGNITION_TIMEOUT_S: '45' })).toEqual({
      mode: 'local',
      recognizerWorkers: 2,
      recognitionTimeoutMs: 45_000,
    });
  });

  it('refuses to start local mode with a malformed deadline', () => {
    expect(() => recognitionConfigFromEnv({ IMGREC_RECOGNITION_TIMEOUT_S: 'never' })).toThrow(
      new ConfigError('IMGREC_RECOGNITION_TIMEOUT_S must be a number greater than 0, got "never"'),
    );
  });

  it('reads the bucket and the bus in aws mode', () => {
    expect(
      recognitionConfigFromEnv({
        IMGREC_MODE: 'aws',
        IMGREC_IMAGES_BUCKET: 'imgrec-dev-images',
        IMGREC_EVENT_BUS_NAME: 'imgrec-dev',
      }),
    ).toEqual({ mode: 'aws', imagesBucket: 'imgrec-dev-images', eventBusName: 'imgrec-dev' });
  });

  it('names a missing aws setting', () => {
    expect(() => recognitionConfigFromEnv({ IMGREC_MODE: 'aws', IMGREC_EVENT_BUS_NAME: 'imgrec-dev' })).toThrow(
      new ConfigError('Missing required environment variable IMGREC_IMAGES_BUCKET'),
    );
  });
});
