import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { docsPage } from './docsPage.js';

const installed = (name: string) =>
  readFileSync(join(dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')), name));

const render = (path: string) => docsPage().render({ path, fromLoopback: false });

/** Every URL the page's markup names in src= or href=. */
const urlsIn = (html: string) => [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]);

describe('docsPage', () => {
  it('serves the reference at /docs and /docs/, naming only files under /docs/', async () => {
    for (const path of ['/docs', '/docs/']) {
      const page = await render(path);
      expect(page?.contentType).toBe('text/html; charset=utf-8');
      const html = String(page?.body);
      expect(urlsIn(html).length).toBeGreaterThan(0);
      expect(urlsIn(html).every((url) => url?.startsWith('/docs/'))).toBe(true);
      expect(html).not.toMatch(/<script>|<style>/);
      expect(page?.headers?.['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('points Swagger UI at /openapi.json and never at the online validator', async () => {
    const script = String((await render('/docs/init.js'))?.body);
    expect(script).toContain("url: '/openapi.json'");
    expect(script).toContain('validatorUrl: null');
  });

  it('serves Swagger UI as installed from swagger-ui-dist', async () => {
    const bundle = await render('/docs/swagger-ui-bundle.js');
    expect(bundle?.contentType).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(bundle?.body ?? '').equals(installed('swagger-ui-bundle.js'))).toBe(true);
    expect((await render('/docs/swagger-ui.css'))?.contentType).toBe('text/css; charset=utf-8');
  });

  it('serves nothing else of the package or the disk', async () => {
    for (const path of ['/docs/package.json', '/docs/index.html', '/docs/../package.json', '/docs/x/swagger-ui.css']) {
      expect(await render(path)).toBeUndefined();
    }
  });
});
