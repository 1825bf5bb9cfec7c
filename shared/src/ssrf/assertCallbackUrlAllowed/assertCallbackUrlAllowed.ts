import { CallbackUrlRejectedError } from '../errors.js';
import { blockedAddressReason } from '../blockedAddressReason/blockedAddressReason.js';
import { parseCallbackUrl } from '../parseCallbackUrl/parseCallbackUrl.js';
import { resolveHost, type HostResolver } from '../resolveHost.js';

export interface CallbackUrlPolicy {
  /** IMGREC_CALLBACK_ALLOW_HOSTS entries, as returned by parseCallbackAllowHosts. */
  allowHosts: readonly string[];
  /** Defaults to the system resolver. */
  resolve?: HostResolver;
}

/**
 * The POST-time guard of callback URLs (see docs/ARCHITECTURE.md, "Webhooks"): the URL must be absolute, at most 2048 characters, https (http only for an
 * allow-listed host), free of credentials, and its host must resolve only to public addresses unless the
 * allow-list names it. A host that does not resolve is refused, since nothing could be delivered to it. The check
 * runs again at send time (see buildGuardedLookup), because DNS can change in between.
 * @returns the parsed URL.
 * @throws CallbackUrlRejectedError (a ValidationError, 400 `invalid_callback_url`) with the reason as message.
 */
export const assertCallbackUrlAllowed = async (raw: string, policy: CallbackUrlPolicy): Promise<URL> => {
  const { url, allowListed, ipLiteral } = parseCallbackUrl(raw, policy.allowHosts);
  if (allowListed || ipLiteral) return url;

  const resolve = policy.resolve ?? resolveHost;
  let addresses: string[];
  try {
    addresses = await resolve(url.hostname);
  } catch (error) {
    throw new CallbackUrlRejectedError('callback_url host does not resolve', { cause: error });
  }
  if (addresses.length === 0) throw new CallbackUrlRejectedError('callback_url host does not resolve');
  for (const address of addresses) {
    const reason = blockedAddressReason(address);
    // The resolved address is not echoed: it would map the internal DNS for whoever probes with host names.
    if (reason) throw new CallbackUrlRejectedError(`callback_url host resolves to ${reason}`);
  }
  return url;
};
