import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../errors/index.js';
import { LOCAL_CALLBACK_ALLOW_HOSTS } from '../callbackAllowHosts/callbackAllowHosts.js';
import { resolveHost, type HostResolver } from '../resolveHost.js';
import { assertCallbackUrlAllowed } from './assertCallbackUrlAllowed.js';

const PUBLIC = '93.184.215.14';

/** A resolver from a fixed table: no real DNS in these tests. */
const resolverFrom =
  (table: Record<string, string[]>): HostResolver =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses;
  };

const dns = resolverFrom({
  'hooks.example.com': [PUBLIC],
  'dual.example.com': [PUBLIC, '2606:4700::1111'],
  'internal.example.com': ['10.0.0.5'],
  'rebind.example.com': [PUBLIC, '127.0.0.1'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'ula.example.com': ['fd00:ec2::254'],
  'empty.example.com': [],
});

const noDns: HostResolver = async () => {
  throw new Error('no DNS expected');
};

const rejection = async (url: string, allowHosts: readonly string[] = [], resolve = dns): Promise<ValidationError> => {
  try {
    await assertCallbackUrlAllowed(url, { allowHosts, resolve });
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
};

describe('assertCallbackUrlAllowed', () => {
  it.each([
    ['https://hooks.example.com/imgrec?x=1', dns],
    ['https://dual.example.com/', dns],
    ['https://8.8.8.8/hook', noDns],
    ['https://[2606:4700::1111]/hook', noDns],
    ['https://[::ffff:8.8.8.8]/hook', noDns],
  ])('accepts %s', async (url, resolve) => {
    await expect(assertCallbackUrlAllowed(url, { allowHosts: [], resolve })).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['http://localhost:4000/'],
    ['http://127.0.0.1:4000/'],
    ['http://[::1]:4000/'],
    // Odd spellings of an allow-listed address are that address.
    ['http://2130706433:4000/'],
  ])('lets the local allow-list exempt %s from https and address checks, without DNS', async (url) => {
    await expect(
      assertCallbackUrlAllowed(url, { allowHosts: LOCAL_CALLBACK_ALLOW_HOSTS, resolve: noDns }),
    ).resolves.toBeInstanceOf(URL);
  });

  describe('refuses with 400 invalid_callback_url and the reason', () => {
    it.each([
      [`https://hooks.example.com/${'a'.repeat(2048)}`, 'callback_url must be at most 2048 characters'],
      ['/relative/path', 'callback_url must be an absolute URL'],
      ['not a url', 'callback_url must be an absolute URL'],
      ['http://hooks.example.com/', 'callback_url must use https'],
      ['ftp://hooks.example.com/', 'callback_url must use https'],
      ['file:///etc/passwd', 'callback_url must use https'],
      ['https://user:secret@hooks.example.com/', 'callback_url must not contain credentials'],
      ['https://user@hooks.example.com/', 'callback_url must not contain credentials'],
    ])('%s', async (url, reason) => {
      const error = await rejection(url);
      expect(error).toMatchObject({ code: 'invalid_callback_url', message: reason });
    });
  });

  // Every spelling of an internal address, each as an IP literal (no DNS involved).
  it.each([
    ['https://127.0.0.1/', 'a loopback address'],
    ['https://2130706433/', 'a loopback address'],
    ['https://0x7f000001/', 'a loopback address'],
    ['https://0177.0.0.1/', 'a loopback address'],
    ['https://017700000001/', 'a loopback address'],
    ['https://0x7f.0x0.0x0.0x1/', 'a loopback address'],
    ['https://127.1/', 'a loopback address'],
    ['https://127.000.000.001/', 'a loopback address'],
    ['https://127.0.0.1./', 'a loopback address'],
    ['https://%31%32%37.0.0.1/', 'a loopback address'],
    ['https://\uff11\uff12\uff17.\uff10.\uff10.\uff11/', 'a loopback address'],
    ['https://[::1]/', 'a loopback address'],
    ['https://[0:0:0:0:0:0:0:1]/', 'a loopback address'],
    ['https://[::ffff:127.0.0.1]/', 'an IPv4-mapped address embedding a loopback address'],
    ['https://[::ffff:7f00:1]/', 'an IPv4-mapped address embedding a loopback address'],
    ['https://[::127.0.0.1]/', 'a reserved address'],
    ['https://0.0.0.0/', 'an unspecified address'],
    ['https://0/', 'an unspecified address'],
    ['https://[::]/', 'an unspecified address'],
    ['https://10.0.0.1/', 'a private address'],
    ['https://167772161/', 'a private address'],
    ['https://172.16.0.1/', 'a private address'],
    ['https://192.168.0.1/', 'a private address'],
    ['https://0300.0250.0.1/', 'a private address'],
    ['https://0xc0a80001/', 'a private address'],
    ['https://169.254.10.10/', 'a link-local address'],
    ['https://[fe80::1]/', 'a link-local address'],
    ['https://100.64.0.1/', 'a carrier-grade NAT address'],
    ['https://[fc00::1]/', 'a unique-local address'],
    ['https://224.0.0.1/', 'a multicast address'],
    ['https://[ff02::1]/', 'a multicast address'],
    ['https://240.0.0.1/', 'a reserved address'],
    ['https://255.255.255.255/', 'a broadcast address'],
    ['https://[2001:db8::1]/', 'a reserved address'],
    ['https://169.254.169.254/latest/meta-data/', 'a cloud metadata address'],
    ['https://2852039166/', 'a cloud metadata address'],
    ['https://0xa9fea9fe/', 'a cloud metadata address'],
    ['https://[fd00:ec2::254]/', 'a cloud metadata address'],
    ['https://[::ffff:169.254.169.254]/', 'an IPv4-mapped address embedding a cloud metadata address'],
    ['https://[64:ff9b::127.0.0.1]/', 'a NAT64 address embedding a loopback address'],
    ['https://[2002:7f00:1::]/', 'a 6to4 address embedding a loopback address'],
    ['https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'a Teredo address embedding a private address'],
  ])('refuses %s as %s', async (url, reason) => {
    const error = await rejection(url, [], noDns);
    expect(error).toMatchObject({ code: 'invalid_callback_url', message: `callback_url host is ${reason}` });
  });

  it.each([
    ['https://internal.example.com/', 'callback_url host resolves to a private address'],
    ['https://rebind.example.com/', 'callback_url host resolves to a loopback address'],
    [
      'https://mapped.example.com/',
      'callback_url host resolves to an IPv4-mapped address embedding a loopback address',
    ],
    ['https://metadata.example.com/', 'callback_url host resolves to a cloud metadata address'],
    ['https://ula.example.com/', 'callback_url host resolves to a cloud metadata address'],
    ['https://nowhere.example.com/', 'callback_url host does not resolve'],
    ['https://empty.example.com/', 'callback_url host does not resolve'],
  ])('refuses %s, whose host resolves to an internal address or not at all', async (url, reason) => {
    expect(await rejection(url)).toMatchObject({ code: 'invalid_callback_url', message: reason });
  });

  it('refuses localhost through the system resolver when the allow-list does not name it', async () => {
    const error = await rejection('https://localhost/', [], resolveHost);
    expect(error.message).toBe('callback_url host resolves to a loopback address');
  });

  it('keeps the https rule for an allow-listed host on another port', async () => {
    expect(await rejection('http://localhost:4001/', ['localhost:4000'])).toMatchObject({
      message: 'callback_url must use https',
    });
  });

  it('checks a loopback spelling when the allow-list is empty, even in local mode', async () => {
    expect(await rejection('http://127.0.0.1:4000/', [], noDns)).toMatchObject({
      message: 'callback_url must use https',
    });
    expect(await rejection('https://127.0.0.1:4000/', [], noDns)).toMatchObject({
      message: 'callback_url host is a loopback address',
    });
  });
});
