import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/index.js';
import { captureLogs, type CapturedLogs } from '../testing/captureLogs.js';
import { createLogger, logLevelFromEnv } from './logger.js';

describe('createLogger', () => {
  let logs: CapturedLogs;

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  it('writes one JSON object per line with the service, the keys given and the fields of the call', () => {
    createLogger('uploads', { level: 'info', persistentKeys: { mode: 'local' } }).info('blob requested', {
      blob_id: 'b1',
    });
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'blob requested',
        service: 'uploads',
        mode: 'local',
        blob_id: 'b1',
        timestamp: expect.any(String),
      }),
    ]);
  });

  it('drops lines below its level', () => {
    const log = createLogger('uploads', { level: 'warn' });
    log.info('quiet');
    log.warn('loud');
    expect(logs.messages()).toEqual(['loud']);
  });

  it('keeps an error’s name, message and stack', () => {
    createLogger('uploads', { level: 'info' }).error('failed', { error: new TypeError('bad input') });
    expect(logs.lines[0]?.error).toMatchObject({ name: 'TypeError', message: 'bad input', stack: expect.any(String) });
  });

  it('carries appended keys, such as a blob’s id and tenant, on every later line until they are reset', () => {
    const log = createLogger('results', { level: 'info' });
    log.appendKeys({ blob_id: 'b1', tenant_id: 't1' });
    log.info('read');
    log.info('answered');
    log.resetKeys();
    log.info('next request');
    expect(logs.lines.map(({ blob_id, tenant_id }) => [blob_id, tenant_id])).toEqual([
      ['b1', 't1'],
      ['b1', 't1'],
      [undefined, undefined],
    ]);
  });
});

describe('logLevelFromEnv', () => {
  it('defaults to info and takes the four levels', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ IMGREC_LOG_LEVEL: 'debug' })).toBe('debug');
  });

  it('refuses anything else at start, naming the levels', () => {
    expect(() => logLevelFromEnv({ IMGREC_LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => logLevelFromEnv({ IMGREC_LOG_LEVEL: 'INFO' })).toThrow('debug, info, warn, error');
  });
});
