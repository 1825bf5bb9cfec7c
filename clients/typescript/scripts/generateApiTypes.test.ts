import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { TYPES_FILE, renderApiTypes } from './generateApiTypes.js';

describe('the generated API types', () => {
  it('match docs/openapi.json (run `npm run generate -w @imgrec/client` after changing the spec)', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await renderApiTypes());
  });
});
