import { describe, expect, it } from '@jest/globals';
import { ImgrecError } from '../../errors/index.js';
import { readJsonBody } from './readJsonBody.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof ImgrecError ? `${error.statusCode} ${error.code}` : 'not an ImgrecError';
  }
  return undefined;
};

describe('readJsonBody', () => {
  it('treats a missing or blank body as no body', () => {
    expect(readJsonBody({ headers: {}, isBase64Encoded: false })).toBeUndefined();
    expect(readJsonBody({ body: '  ', headers: {}, isBase64Encoded: false })).toBeUndefined();
  });

  it('parses JSON with or without a JSON content type', () => {
    expect(readJsonBody({ body: '{"a":1}', headers: {}, isBase64Encoded: false })).toEqual({ a: 1 });
    expect(
      readJsonBody({
        body: '{"a":1}',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        isBase64Encoded: false,
      }),
    ).toEqual({ a: 1 });
  });

  it('decodes base64 bodies', () => {
    const body = Buffer.from('[1,2]').toString('base64');
    expect(readJsonBody({ body, headers: {}, isBase64Encoded: true })).toEqual([1, 2]);
  });

  it('rejects malformed JSON with 400 malformed_json', () => {
    expect(codeOf(() => readJsonBody({ body: '{"a":', headers: {}, isBase64Encoded: false }))).toBe(
      '400 malformed_json',
    );
  });

  it('rejects a form-encoded body with 415', () => {
    expect(
      codeOf(() =>
        readJsonBody({
          body: 'a=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          isBase64Encoded: false,
        }),
      ),
    ).toBe('415 unsupported_media_type');
  });
});
