/**
 * The Content-Security-Policy of every page: everything from this server and nothing from anywhere else, no inline
 * script or style, no plugin, no framing. Images may also be `data:` (Swagger UI's icons) and `blob:` (the demo
 * page's previews of the files being uploaded).
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * How long a browser may keep a page's answer: `no-store` for what must never be kept (a page that may carry the dev
 * key), `revalidate` for what changes with our source, `hour` for vendored files that change only with a package
 * upgrade.
 */
export type PageCaching = 'no-store' | 'revalidate' | 'hour';

const CACHE_CONTROL: Record<PageCaching, string> = {
  'no-store': 'no-store',
  revalidate: 'no-cache',
  hour: 'public, max-age=3600',
};

/** The headers every page and page asset is served with: the CSP above, no referrer, and the given caching. */
export const pageHeaders = (caching: PageCaching): Record<string, string> => ({
  'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': CACHE_CONTROL[caching],
});
