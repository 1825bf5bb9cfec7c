import { isIP, type LookupFunction } from 'node:net';
import { blockedAddressReason } from '../blockedAddressReason/blockedAddressReason.js';
import { CallbackUrlRejectedError } from '../errors.js';
import { resolveHost, type HostResolver } from '../resolveHost.js';

const requestedFamily = (family: number | string | undefined): 0 | 4 | 6 => {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
};

/**
 * A `lookup` for net/http/got (`dnsLookup`) that makes the send-time SSRF check and the connection one step: it
 * resolves the host once, refuses the connection if any resolved address is not public, and hands the socket
 * exactly the addresses it checked. The socket therefore connects to a checked IP and nothing else, so a DNS answer
 * that changes between the check and the connect (DNS rebinding) cannot redirect it. Supports `all: true`, which
 * Node's happy-eyeballs connect uses.
 *
 * Node skips `lookup` for IP-literal hosts, so those must be checked before the request (parseCallbackUrl does).
 * The callback receives a CallbackUrlRejectedError for a blocked address, or the resolver's own error.
 */
export const buildGuardedLookup = (resolve: HostResolver = resolveHost): LookupFunction => {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        for (const address of addresses) {
          const reason = blockedAddressReason(address);
          if (reason) {
            callback(new CallbackUrlRejectedError(`callback_url host resolves to ${reason}`), '', 0);
            return;
          }
        }
        const family = requestedFamily(options.family);
        const usable = addresses.filter((address) => family === 0 || isIP(address) === family);
        const [first] = usable;
        if (first === undefined) {
          const error: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, '', 0);
          return;
        }
        if (options.all) {
          callback(
            null,
            usable.map((address) => ({ address, family: isIP(address) })),
          );
        } else {
          callback(null, first, isIP(first));
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
};
