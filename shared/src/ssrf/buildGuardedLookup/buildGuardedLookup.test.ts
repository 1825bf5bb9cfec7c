import { describe, expect, it } from '@jest/globals';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { CallbackUrlRejectedError } from '../errors.js';
import type { HostResolver } from '../resolveHost.js';
import { buildGuardedLookup } from './buildGuardedLookup.js';

type LookupResult = { address: string | LookupAddress[]; family?: number };

const lookupOnce = (lookup: LookupFunction, host: string, options: { all?: boolean; family?: number } = {}) =>
  new Promise<LookupResult>((resolve, reject) =>
    lookup(host, options, (error, address, family) => (error ? reject(error) : resolve({ address, family }))),
  );

const answers =
  (...sequence: string[][]): HostResolver =>
  async () =>
    sequence.shift() ?? [];

describe('buildGuardedLookup', () => {
  it('hands the socket the checked address', async () => {
    const lookup = buildGuardedLookup(answers(['93.184.215.14']));
    await expect(lookupOnce(lookup, 'hooks.example.com')).resolves.toEqual({ address: '93.184.215.14', family: 4 });
  });

  it('returns every checked address for happy-eyeballs connects (all: true)', async () => {
    const lookup = buildGuardedLookup(answers(['2606:4700::1111', '93.184.215.14']));
    await expect(lookupOnce(lookup, 'hooks.example.com', { all: true })).resolves.toEqual({
      address: [
        { address: '2606:4700::1111', family: 6 },
        { address: '93.184.215.14', family: 4 },
      ],
      family: undefined,
    });
  });

  it('honours a requested address family', async () => {
    const lookup = buildGuardedLookup(answers(['2606:4700::1111', '93.184.215.14']));
    await expect(lookupOnce(lookup, 'hooks.example.com', { family: 4 })).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    });
  });

  it('refuses a host name that resolves to loopback', async () => {
    const lookup = buildGuardedLookup(answers(['127.0.0.1']));
    await expect(lookupOnce(lookup, 'evil.example.com')).rejects.toThrow(
      new CallbackUrlRejectedError('callback_url host resolves to a loopback address'),
    );
  });

  it('refuses the connection when any resolved address is internal, even one it would not use', async () => {
    const lookup = buildGuardedLookup(answers(['93.184.215.14', '::ffff:10.0.0.1']));
    await expect(lookupOnce(lookup, 'mixed.example.com', { family: 4 })).rejects.toBeInstanceOf(
      CallbackUrlRejectedError,
    );
  });

  it('checks every resolution, so a DNS answer that rebinds to an internal address is caught', async () => {
    const lookup = buildGuardedLookup(answers(['93.184.215.14'], ['169.254.169.254']));
    await expect(lookupOnce(lookup, 'rebind.example.com')).resolves.toMatchObject({ address: '93.184.215.14' });
    await expect(lookupOnce(lookup, 'rebind.example.com')).rejects.toThrow(
      'callback_url host resolves to a cloud metadata address',
    );
  });

  it('passes resolver errors on and reports a host without a usable address as ENOTFOUND', async () => {
    const failing = buildGuardedLookup(async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    });
    await expect(lookupOnce(failing, 'down.example.com')).rejects.toMatchObject({ code: 'EAI_AGAIN' });
    const v6Only = buildGuardedLookup(answers(['2606:4700::1111']));
    await expect(lookupOnce(v6Only, 'v6.example.com', { family: 4 })).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
