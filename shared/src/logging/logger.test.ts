import { describe, expect, it } from '@jest/globals';
import { buildLogger } from './logger.js';

const capture = () => {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
};

describe('buildLogger', () => {
  it('writes one JSON object per line with the base fields', () => {
    const out = capture();
    buildLogger({ service: 'uploads' }, { write: out.write }).info('blob requested', { blob_id: 'b1' });
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({
      level: 'info',
      message: 'blob requested',
      service: 'uploads',
      blob_id: 'b1',
    });
  });

  it('drops lines below the configured level', () => {
    const out = capture();
    const log = buildLogger({}, { level: 'warn', write: out.write });
    log.info('quiet');
    log.warn('loud');
    expect(out.lines.map((line) => JSON.parse(line).message)).toEqual(['loud']);
  });

  it('expands errors so their message survives JSON', () => {
    const out = capture();
    buildLogger({}, { write: out.write }).error('failed', { error: new Error('disk full') });
    expect(JSON.parse(out.lines[0] ?? '').error.message).toBe('disk full');
  });

  it('keeps parent fields in children', () => {
    const out = capture();
    buildLogger({ service: 'results' }, { write: out.write }).child({ request_id: 'r1' }).info('hit');
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({ service: 'results', request_id: 'r1' });
  });
});
