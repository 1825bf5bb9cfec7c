import { describe, expect, it } from '@jest/globals';
import { ImgrecApiError, ImgrecNetworkError } from '../../errors/errors.js';
import { describeError, isFatal } from './describeError.js';

describe('describeError', () => {
  it('says which key was refused, by whom', () => {
    const error = new ImgrecApiError(401, 'invalid_api_key', 'The API key is not valid.');
    expect(describeError(error, { apiUrl: 'https://api.example.com', keySource: 'IMGREC_API_KEY' })).toBe(
      'https://api.example.com refused the API key from IMGREC_API_KEY: invalid_api_key: The API key is not valid.',
    );
  });

  it('gives the API’s code and message, and when to retry', () => {
    const error = new ImgrecApiError(429, 'quota_exceeded', 'The daily quota is used up.', { retryAfter: 60 });
    expect(describeError(error)).toBe('quota_exceeded: The daily quota is used up. (retry after 60 s)');
  });

  it('says why the API could not be reached', () => {
    const cause = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    expect(describeError(new ImgrecNetworkError('https://nowhere.example', { cause }))).toBe(
      'cannot reach https://nowhere.example: host not found',
    );
  });

  it('stops a whole run only for what every file would meet: a refused key, a spent quota, no API', () => {
    expect(isFatal(new ImgrecApiError(401, 'invalid_api_key', 'x'))).toBe(true);
    expect(isFatal(new ImgrecApiError(429, 'quota_exceeded', 'x'))).toBe(true);
    expect(isFatal(new ImgrecNetworkError('http://x', { cause: new Error('x') }))).toBe(true);
    expect(isFatal(new ImgrecApiError(400, 'invalid_request', 'x'))).toBe(false);
  });
});
