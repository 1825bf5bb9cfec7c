import { describe, expect, it } from '@jest/globals';
import { ImgrecError } from '../../errors/index.js';
import {
  LOCAL_CALLBACK_ALLOW_HOSTS,
  callbackAllowHostsFromEnv,
  isAllowListed,
  parseCallbackAllowHosts,
} from './callbackAllowHosts.js';

describe('parseCallbackAllowHosts', () => {
  it('defaults to the local machine in local mode and to nothing in aws mode', () => {
    expect(parseCallbackAllowHosts(undefined, 'local')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(parseCallbackAllowHosts(undefined, 'aws')).toEqual([]);
  });

  it('exempts nothing when set to an empty string, even in local mode', () => {
    expect(parseCallbackAllowHosts('', 'local')).toEqual([]);
  });

  it('reads comma-separated host and host:port entries', () => {
    expect(parseCallbackAllowHosts(' hooks.internal , localhost:4000,[::1]:8080,::1 ', 'aws')).toEqual([
      'hooks.internal',
      'localhost:4000',
      '[::1]:8080',
      '::1',
    ]);
  });

  it.each(['localhost:http', 'localhost:70000', 'http://localhost', '[::1', 'user@host'])(
    'refuses the malformed entry %s',
    (entry) => {
      expect(() => parseCallbackAllowHosts(entry, 'aws')).toThrow(ImgrecError);
    },
  );

  it('reads IMGREC_CALLBACK_ALLOW_HOSTS from the environment', () => {
    expect(callbackAllowHostsFromEnv('local', {})).toBe(LOCAL_CALLBACK_ALLOW_HOSTS);
    expect(callbackAllowHostsFromEnv('local', { IMGREC_CALLBACK_ALLOW_HOSTS: 'a.test' })).toEqual(['a.test']);
  });
});

describe('isAllowListed', () => {
  it.each([
    ['http://localhost:4000/hook', ['localhost']],
    ['http://LOCALHOST.:4000/', ['localhost']],
    ['http://localhost:4000/', ['localhost:4000']],
    ['http://localhost/', ['localhost:80']],
    ['https://localhost/', ['localhost:443']],
    ['http://[::1]:4000/', ['::1']],
    ['http://[0:0:0:0:0:0:0:1]:4000/', ['[::1]:4000']],
    // The URL parser turns 2130706433 into 127.0.0.1 before any check, so the allow-list sees the real host.
    ['http://2130706433:4000/', ['127.0.0.1']],
  ])('exempts %s with %j', (url, allowHosts) => {
    expect(isAllowListed(new URL(url), allowHosts)).toBe(true);
  });

  it.each([
    ['http://localhost:4001/', ['localhost:4000']],
    ['http://localhost/', ['localhost:4000']],
    ['http://127.0.0.1/', ['localhost']],
    ['http://evil-localhost/', ['localhost']],
    ['http://localhost.evil.test/', ['localhost']],
    ['http://localhost:4000/', []],
  ])('does not exempt %s with %j', (url, allowHosts) => {
    expect(isAllowListed(new URL(url), allowHosts)).toBe(false);
  });
});
