import { describe, expect, it } from '@jest/globals';
import { measureBundle } from './measureBundle.js';

describe('the browser bundle of @imgrec/client', () => {
  it('builds for browsers (no node: module reachable) and stays small', async () => {
    const size = await measureBundle();
    const paths = size.inputs.map((input) => input.path);
    expect(paths.some((path) => path.endsWith('src/client/createImgrecClient/createImgrecClient.ts'))).toBe(true);
    expect(paths.some((path) => path.includes('startWebhookListener') || path.includes('shared/'))).toBe(false);
    expect(size.gzipBytes).toBeLessThan(10 * 1024);
  });
});
