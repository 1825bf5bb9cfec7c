import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { localConfigFromEnv } from './platform.js';

describe('localConfigFromEnv', () => {
  it('defaults to ./.imgrec and localhost on PORT', () => {
    expect(localConfigFromEnv({ PORT: '4321' })).toEqual({
      dataDir: resolve('.imgrec'),
      publicUrl: 'http://localhost:4321',
    });
  });

  it('takes an explicit data dir, and a public URL without its trailing slash', () => {
    expect(
      localConfigFromEnv({ IMGREC_DATA_DIR: '/srv/imgrec', IMGREC_PUBLIC_URL: 'https://imgrec.example/' }),
    ).toEqual({ dataDir: '/srv/imgrec', publicUrl: 'https://imgrec.example' });
  });
});
