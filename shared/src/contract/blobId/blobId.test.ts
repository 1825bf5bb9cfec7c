import { describe, expect, it } from '@jest/globals';
import { isBlobId, newBlobId } from './blobId.js';

describe('blob ids', () => {
  it('mints 22-character base64url ids that the same schema accepts, never twice', () => {
    const ids = Array.from({ length: 1000 }, newBlobId);
    expect(ids.every(isBlobId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(['', 'short', 'A'.repeat(23), 'AAAAAAAAAAAAAAAAAAAA/A', 'AAAAAAAAAAAAAAAAAAAA=A', 42])(
    'refuses %j',
    (value) => {
      expect(isBlobId(value)).toBe(false);
    },
  );
});
