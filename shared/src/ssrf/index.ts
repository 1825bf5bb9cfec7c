export * from './errors.js';
export * from './resolveHost.js';
export * from './blockedAddressReason/blockedAddressReason.js';
export * from './callbackAllowHosts/callbackAllowHosts.js';
export * from './parseCallbackUrl/parseCallbackUrl.js';
export * from './assertCallbackUrlAllowed/assertCallbackUrlAllowed.js';
export * from './buildGuardedLookup/buildGuardedLookup.js';
