import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { bundleDemoApp } from './bundleDemoApp.js';

/** The demo page is meant to stay small: a budget well above today's size (about 7 KB), so growth is a decision. */
const GZIP_BUDGET_BYTES = 20 * 1024;

describe('bundleDemoApp', () => {
  it('bundles the page and the client into one self-contained script for browsers', async () => {
    const { code } = await bundleDemoApp();
    // Nothing left to fetch from elsewhere or to resolve: no import, no Node module.
    expect(code).not.toMatch(/\bimport\s*[("'{*]|\bfrom\s*["']/);
    expect(code).not.toContain('node:');
    // The client's own code is in it: the header it sends every key in.
    expect(code).toContain('Bearer ');
    expect(gzipSync(code).byteLength).toBeLessThan(GZIP_BUDGET_BYTES);
  });
});
