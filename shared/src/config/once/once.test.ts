import { describe, expect, it } from '@jest/globals';
import { once } from './once.js';

describe('once', () => {
  it('builds on first use and reuses the value', () => {
    let builds = 0;
    const wiring = once(() => ({ build: ++builds }));
    expect(builds).toBe(0);
    expect(wiring()).toBe(wiring());
    expect(builds).toBe(1);
  });
});
