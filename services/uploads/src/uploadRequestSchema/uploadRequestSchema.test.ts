import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@imgrec/shared';
import { parseIdempotencyKey, parseUploadRequest } from './uploadRequestSchema.js';

const codeOf = (body: unknown): string => {
  try {
    parseUploadRequest(body);
    return 'accepted';
  } catch (error) {
    return error instanceof ValidationError ? error.code : 'unexpected error';
  }
};

describe('parseUploadRequest', () => {
  it('accepts an empty request', () => {
    expect(parseUploadRequest(undefined)).toEqual({});
    expect(parseUploadRequest({})).toEqual({});
  });

  it('accepts every field within its rule', () => {
    const request = {
      callback_url: 'https://example.com/hook',
      content_type: 'image/png',
      min_confidence: 0,
      max_labels: 100,
      content_length: 15_728_640,
      features: ['faces', 'labels', 'text'],
    };
    expect(parseUploadRequest(request)).toEqual(request);
  });

  it.each([
    [[], 'invalid_body'],
    ['text', 'invalid_body'],
    [null, 'invalid_body'],
    [42, 'invalid_body'],
    [{ callback: 'https://example.com' }, 'unknown_field'],
    [{ content_type: 'image/gif' }, 'invalid_content_type'],
    [{ content_type: 5 }, 'invalid_content_type'],
    [{ min_confidence: '50' }, 'invalid_min_confidence'],
    [{ min_confidence: -1 }, 'invalid_min_confidence'],
    [{ min_confidence: 100.5 }, 'invalid_min_confidence'],
    [{ max_labels: 0 }, 'invalid_max_labels'],
    [{ max_labels: 101 }, 'invalid_max_labels'],
    [{ max_labels: 2.5 }, 'invalid_max_labels'],
    [{ callback_url: 7 }, 'invalid_callback_url'],
    [{ callback_url: '' }, 'invalid_callback_url'],
    [{ callback_url: `https://example.com/${'a'.repeat(2048)}` }, 'invalid_callback_url'],
    [{ content_length: 15_728_641 }, 'image_too_large'],
    [{ content_length: 0 }, 'invalid_content_length'],
    [{ content_length: -5 }, 'invalid_content_length'],
    [{ content_length: 1.5 }, 'invalid_content_length'],
    [{ content_length: 15_728_641.5 }, 'invalid_content_length'],
    [{ content_length: '48213' }, 'invalid_content_length'],
    [{ content_length: null }, 'invalid_content_length'],
    [{ features: [] }, 'invalid_features'],
    [{ features: ['labels', 'labels'] }, 'invalid_features'],
    [{ features: ['colors'] }, 'invalid_features'],
    [{ features: 'text' }, 'invalid_features'],
    [{ features: ['Text'] }, 'invalid_features'],
    [{ features: null }, 'invalid_features'],
  ])('refuses %j with %s', (body, code) => {
    expect(codeOf(body)).toBe(code);
  });

  it('names the unknown field in the message', () => {
    expect(() => parseUploadRequest({ labels: 3 })).toThrow('"labels"');
  });
});

describe('parseIdempotencyKey', () => {
  it('passes a printable key through', () => {
    expect(parseIdempotencyKey('order-42')).toBe('order-42');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each(['', 'has space', 'x'.repeat(256), 'caf\u00e9'])('refuses %j', (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(ValidationError);
  });
});
