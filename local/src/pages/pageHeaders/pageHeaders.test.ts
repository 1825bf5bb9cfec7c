import { describe, expect, it } from '@jest/globals';
import { PAGE_CONTENT_SECURITY_POLICY, pageHeaders } from './pageHeaders.js';

const directives = new Map(
  PAGE_CONTENT_SECURITY_POLICY.split('; ').map((directive) => {
    const [name = '', ...sources] = directive.split(' ');
    return [name, sources];
  }),
);

describe('pageHeaders', () => {
  it('lets a page load nothing from another origin', () => {
    const sources = [...directives.values()].flat();
    expect(sources.every((source) => ["'self'", "'none'", 'data:', 'blob:'].includes(source))).toBe(true);
    expect(directives.get('default-src')).toEqual(["'none'"]);
  });

  it('allows no inline script or style and no framing', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('sends the policy with the caching asked for', () => {
    expect(pageHeaders('no-store')).toMatchObject({
      'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    expect(pageHeaders('hour')['cache-control']).toBe('public, max-age=3600');
    expect(pageHeaders('revalidate')['cache-control']).toBe('no-cache');
  });
});
