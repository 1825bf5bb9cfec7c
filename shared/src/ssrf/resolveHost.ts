import { lookup } from 'node:dns/promises';

/** Resolves a host name to every address it has; injected in tests so that no real DNS is needed. */
export type HostResolver = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), returning all addresses in the resolver's order. */
export const resolveHost: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
