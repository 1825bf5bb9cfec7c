import { describe, expect, it } from '@jest/globals';
import { matchesPattern } from './matchesPattern.js';

const labelsDetected = {
  source: 'imgrec.recognition',
  'detail-type': 'LabelsDetected',
  detail: { blob_id: 'b1', callback_url: 'https://example.com/hook', labels: ['dog', 'animal'] },
};

describe('matchesPattern', () => {
  it('matches on listed alternatives for every key', () => {
    expect(
      matchesPattern(
        { source: ['imgrec.recognition'], 'detail-type': ['LabelsDetected', 'RecognitionFailed'] },
        labelsDetected,
      ),
    ).toBe(true);
    expect(matchesPattern({ source: ['imgrec.uploads'] }, labelsDetected)).toBe(false);
  });

  it('matches nested detail fields, exists and prefix', () => {
    expect(matchesPattern({ detail: { callback_url: [{ exists: true }] } }, labelsDetected)).toBe(true);
    expect(matchesPattern({ detail: { error: [{ exists: true }] } }, labelsDetected)).toBe(false);
    expect(matchesPattern({ detail: { error: [{ exists: false }] } }, labelsDetected)).toBe(true);
    expect(matchesPattern({ detail: { callback_url: [{ prefix: 'https://' }] } }, labelsDetected)).toBe(true);
  });

  it('matches an array field when any element is listed', () => {
    expect(matchesPattern({ detail: { labels: ['animal'] } }, labelsDetected)).toBe(true);
  });

  it('supports anything-but', () => {
    expect(matchesPattern({ 'detail-type': [{ 'anything-but': ['BlobCreated'] }] }, labelsDetected)).toBe(true);
    expect(matchesPattern({ 'detail-type': [{ 'anything-but': 'LabelsDetected' }] }, labelsDetected)).toBe(false);
  });

  it('refuses matchers it does not implement instead of matching nothing', () => {
    expect(() => matchesPattern({ detail: { size: [{ numeric: ['>', 0] }] } } as never, labelsDetected)).toThrow(
      'Unsupported',
    );
  });
});
