import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../../errors/index.js';

/** The default of IMGREC_CALLBACK_ALLOW_HOSTS under `npm start`: the developer's own machine. */
export const LOCAL_CALLBACK_ALLOW_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

interface AllowHost {
  host: string;
  port: number | undefined;
}

const PORT = /^\d{1,5}$/;

const stripBrackets = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/**
 * One spelling per host, so that an entry matches however the URL writes it: lower case, no trailing dot, and IP
 * addresses in ipaddr.js's normalized form (`::1` and `0:0:0:0:0:0:0:1` are the same host). The WHATWG URL parser
 * has already turned odd IPv4 spellings such as `2130706433` into dotted quads.
 */
const canonicalHost = (host: string): string => {
  const bare = stripBrackets(host).toLowerCase().replace(/\.$/, '');
  return isIP(bare) ? ipaddr.parse(bare).toNormalizedString() : bare;
};

const invalidEntry = (entry: string): ConfigError =>
  new ConfigError(`IMGREC_CALLBACK_ALLOW_HOSTS entry "${entry}" is not host or host:port`);

const parseEntry = (entry: string): AllowHost => {
  let host = entry;
  let port: string | undefined;
  if (entry.startsWith('[')) {
    const match = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
    if (!match?.[1]) throw invalidEntry(entry);
    host = match[1];
    port = match[2];
  } else if (!isIP(entry) && entry.includes(':')) {
    // A bare IPv6 address has colons but no port; anything else with a colon is host:port.
    const colon = entry.lastIndexOf(':');
    host = entry.slice(0, colon);
    port = entry.slice(colon + 1);
  }
  if (host === '' || /[/?#@\s]/.test(host)) throw invalidEntry(entry);
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65_535)) throw invalidEntry(entry);
  return { host: canonicalHost(host), port: port === undefined ? undefined : Number(port) };
};

/**
 * Reads IMGREC_CALLBACK_ALLOW_HOSTS: comma-separated `host` or `host:port` entries (IPv6 as `::1` or `[::1]:4000`).
 * Unset, it defaults to {@link LOCAL_CALLBACK_ALLOW_HOSTS} in local mode and to nothing in aws mode; set to an empty
 * string, it exempts nothing.
 * @throws ConfigError when an entry is not a host or host:port.
 */
export const parseCallbackAllowHosts = (raw: string | undefined, mode: 'aws' | 'local'): readonly string[] => {
  if (raw === undefined) return mode === 'local' ? LOCAL_CALLBACK_ALLOW_HOSTS : [];
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach(parseEntry);
  return entries;
};

/**
 * IMGREC_CALLBACK_ALLOW_HOSTS for a mode, read from the environment (see {@link parseCallbackAllowHosts}).
 * @throws ConfigError when an entry is not a host or host:port.
 */
export const callbackAllowHostsFromEnv = (
  mode: 'aws' | 'local',
  env: NodeJS.ProcessEnv = process.env,
): readonly string[] => parseCallbackAllowHosts(env.IMGREC_CALLBACK_ALLOW_HOSTS, mode);

const effectivePort = (url: URL): number => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/**
 * True when the allow-list exempts this URL from the https and public-address rules: an entry names its host, and
 * either has no port or the URL's port (explicit or the scheme's default).
 * @throws ConfigError when an entry is malformed.
 */
export const isAllowListed = (url: URL, allowHosts: readonly string[]): boolean => {
  const host = canonicalHost(url.hostname);
  const port = effectivePort(url);
  return allowHosts.some((entry) => {
    const allowed = parseEntry(entry);
    return allowed.host === host && (allowed.port === undefined || allowed.port === port);
  });
};
