import { describe, expect, it } from '@jest/globals';
import type { BlobStatus } from '@imgrec/shared';
import { viewWith } from '../testing/sampleViews.js';
import { presentBlobView } from './presentBlobView.js';

const EXPIRES_AT = '2026-11-27T12:10:00.000Z';
const before = new Date('2026-11-27T12:09:59.999Z');
const at = new Date(EXPIRES_AT);

describe('presentBlobView', () => {
  it('serves a blob awaiting its upload as such until its upload URL expires', () => {
    const view = viewWith('awaiting_upload');
    expect(presentBlobView({ view, expiresAt: EXPIRES_AT }, before)).toStrictEqual(view);
  });

  it('serves it as expired from the moment its upload URL expires, and changes nothing else', () => {
    const view = viewWith('awaiting_upload');
    expect(presentBlobView({ view, expiresAt: EXPIRES_AT }, at)).toStrictEqual({ ...view, status: 'expired' });
  });

  it.each<BlobStatus>(['processing', 'succeeded', 'failed'])(
    'never expires a blob whose upload arrived (%s)',
    (status) => {
      const view = viewWith(status);
      expect(presentBlobView({ view, expiresAt: EXPIRES_AT }, at)).toStrictEqual(view);
    },
  );

  it('does not expire a blob whose expiry it never learned', () => {
    const view = viewWith('awaiting_upload');
    expect(presentBlobView({ view }, at)).toStrictEqual(view);
  });
});
