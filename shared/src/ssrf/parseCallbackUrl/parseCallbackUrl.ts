import { isIP } from 'node:net';
import { isAllowListed } from '../callbackAllowHosts/callbackAllowHosts.js';
import { blockedAddressReason } from '../blockedAddressReason/blockedAddressReason.js';
import { CallbackUrlRejectedError } from '../errors.js';

/** The contract's longest callback URL. */
export const MAX_CALLBACK_URL_LENGTH = 2048;

export interface ParsedCallbackUrl {
  url: URL;
  /** The allow-list names the host: http is allowed and its addresses are not checked. */
  allowListed: boolean;
  /** The host is an IP address, already checked; there is nothing to resolve. */
  ipLiteral: boolean;
}

/**
 * The checks that need no DNS: length, absolute URL, scheme, no credentials, and the address itself when the host
 * is an IP literal. The WHATWG URL parser normalizes the odd IPv4 spellings (`2130706433`, `0x7f000001`,
 * `0177.0.0.1`, `127.1`, percent-encoded and full-width digits) into dotted quads before the check, so each of
 * them is judged as the address it really is. A host name still has to be resolved and checked by the caller.
 * @throws CallbackUrlRejectedError with the reason.
 */
export const parseCallbackUrl = (raw: string, allowHosts: readonly string[]): ParsedCallbackUrl => {
  if (raw.length > MAX_CALLBACK_URL_LENGTH) {
    throw new CallbackUrlRejectedError(`callback_url must be at most ${MAX_CALLBACK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new CallbackUrlRejectedError('callback_url must be an absolute URL', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CallbackUrlRejectedError('callback_url must use https');
  }
  if (url.username !== '' || url.password !== '') {
    throw new CallbackUrlRejectedError('callback_url must not contain credentials');
  }
  if (url.hostname === '') throw new CallbackUrlRejectedError('callback_url must name a host');

  const allowListed = isAllowListed(url, allowHosts);
  if (url.protocol === 'http:' && !allowListed) {
    throw new CallbackUrlRejectedError('callback_url must use https');
  }
  const bare = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const ipLiteral = isIP(bare) !== 0;
  if (ipLiteral && !allowListed) {
    const reason = blockedAddressReason(bare);
    if (reason) throw new CallbackUrlRejectedError(`callback_url host is ${reason}`);
  }
  return { url, allowListed, ipLiteral };
};
