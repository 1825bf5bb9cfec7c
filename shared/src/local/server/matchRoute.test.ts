import { describe, expect, it } from '@jest/globals';
import { matchRoute } from './matchRoute.js';

describe('matchRoute', () => {
  it('extracts path parameters', () => {
    expect(matchRoute('/blobs/{blob_id}', '/blobs/abc')).toEqual({ blob_id: 'abc' });
  });

  it('matches literal paths exactly', () => {
    expect(matchRoute('/blobs', '/blobs')).toEqual({});
    expect(matchRoute('/blobs', '/blobs/')).toBeUndefined();
    expect(matchRoute('/blobs/{blob_id}', '/blobs')).toBeUndefined();
    expect(matchRoute('/blobs/{blob_id}', '/blobs/a/b')).toBeUndefined();
  });

  it('decodes parameters and refuses broken escapes', () => {
    expect(matchRoute('/blobs/{blob_id}', '/blobs/a%20b')).toEqual({ blob_id: 'a b' });
    expect(matchRoute('/blobs/{blob_id}', '/blobs/%E0%A4%A')).toBeUndefined();
  });
});
