import { describe, expect, it } from '@jest/globals';
import { newBlobId } from '../../contract/blobId/blobId.js';
import { readBlobIdParameter } from './readBlobIdParameter.js';

describe('readBlobIdParameter', () => {
  it('returns an id we could have issued', () => {
    const blobId = newBlobId();
    expect(readBlobIdParameter({ pathParameters: { blob_id: blobId } })).toBe(blobId);
  });

  it.each([['not-an-id'], ['A'.repeat(23)], [undefined]])('refuses %p as invalid_blob_id', (blobId) => {
    expect(() => readBlobIdParameter({ pathParameters: { blob_id: blobId } })).toThrow(
      expect.objectContaining({ code: 'invalid_blob_id' }),
    );
  });
});
