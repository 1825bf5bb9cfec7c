import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalPage } from '@imgrec/shared/local';
import type { DemoBundle } from './bundleDemoApp/bundleDemoApp.js';
import { demoPages } from './demoPage.js';

const DEV_KEY = 'imgrec_sk_devdevdevdevdevdevdevdevdevdevdevdevdevdevdev';

const keyFile = (content?: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'imgrec-demo-')), 'dev-api-key');
  if (content !== undefined) writeFileSync(file, content);
  return file;
};

const pages = (options: { devApiKeyFile?: string; bundle?: () => Promise<DemoBundle> } = {}) =>
  demoPages({
    devApiKeyFile: options.devApiKeyFile ?? keyFile(`${DEV_KEY}\n`),
    publicUrl: 'http://localhost:3000/',
    bundle: options.bundle ?? (async () => ({ code: 'console.log("demo")', buildMs: 1 })),
  });

const page = (all: LocalPage[], path: string) => {
  const found = all.find((candidate) => candidate.path === path);
  if (found === undefined) throw new Error(`no page at ${path}`);
  return found;
};

const html = async (all: LocalPage[], fromLoopback: boolean) =>
  String((await page(all, '/').render({ path: '/', fromLoopback }))?.body);

describe('demoPages', () => {
  it('fills in the dev key for a client on this machine', async () => {
    expect(await html(pages(), true)).toContain(`value="${DEV_KEY}"`);
  });

  it('never puts the dev key in the page for any other client', async () => {
    const body = await html(pages(), false);
    expect(body).not.toContain(DEV_KEY);
    expect(body).toContain('id="api-key"');
  });

  it('leaves the key field empty when there is no dev key yet', async () => {
    expect(await html(pages({ devApiKeyFile: keyFile() }), true)).toContain('placeholder="imgrec_sk_…" value=""');
  });

  it('escapes what it puts in the markup', async () => {
    expect(await html(pages({ devApiKeyFile: keyFile('"><script>') }), true)).toContain(
      'value="&quot;&gt;&lt;script&gt;"',
    );
  });

  it('is never cached, as it may carry the key, and loads its script and style from this server only', async () => {
    const answer = await page(pages(), '/').render({ path: '/', fromLoopback: true });
    expect(answer?.headers).toMatchObject({ 'cache-control': 'no-store' });
    expect(answer?.headers?.['content-security-policy']).toContain("script-src 'self'");
    const body = String(answer?.body);
    expect(body).toContain('<script type="module" src="/app.js"></script>');
    expect(body).toContain('href="/app.css"');
    expect(body).toContain('<meta name="imgrec-public-origin" content="http://localhost:3000" />');
    expect(body).not.toMatch(/<script>|<style>|style="/);
  });

  it('bundles the script once, however many ask for it at the same time', async () => {
    let builds = 0;
    const all = pages({
      bundle: async () => {
        builds += 1;
        return { code: `/* build ${builds} */`, buildMs: 1 };
      },
    });
    const script = page(all, '/app.js');
    const answers = await Promise.all([1, 2, 3].map(() => script.render({ path: '/app.js', fromLoopback: false })));
    expect(answers.map((answer) => answer?.body)).toEqual(['/* build 1 */', '/* build 1 */', '/* build 1 */']);
    expect(answers[0]?.contentType).toBe('text/javascript; charset=utf-8');
    expect(builds).toBe(1);
  });

  it('tries the bundle again after a failed one', async () => {
    let builds = 0;
    const script = page(
      pages({
        bundle: async () => {
          builds += 1;
          if (builds === 1) throw new Error('syntax error');
          return { code: 'ok', buildMs: 1 };
        },
      }),
      '/app.js',
    );
    await expect(script.render({ path: '/app.js', fromLoopback: false })).rejects.toThrow('syntax error');
    expect((await script.render({ path: '/app.js', fromLoopback: false }))?.body).toBe('ok');
  });

  it('serves its stylesheet', async () => {
    const style = await page(pages(), '/app.css').render({ path: '/app.css', fromLoopback: false });
    expect(style?.contentType).toBe('text/css; charset=utf-8');
    expect(String(style?.body)).toContain('.box');
  });
});
