import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FIXTURES_DIR, REPO_ROOT, startStack, type RunningStack } from './harness.js';

/** Debian's Chromium: Playwright's own browser download does not work here, and is never attempted. */
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots for a human to look at; git-ignored, never committed. */
const ARTIFACTS_DIR = join(REPO_ROOT, 'artifacts/browser');

/** A page opened in its own browser context, with every request it made and every error it reported. */
interface OpenedPage {
  page: Page;
  requests: string[];
  errors: string[];
  close(): Promise<void>;
}

describe('the pages in a browser', () => {
  let stack: RunningStack;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    }
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    stack = await startStack();
    // Chromium's sandbox cannot start as root (CI runs as root); the pages are our own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Opens a path on the stack, or a whole URL. */
  const open = async (path: string): Promise<OpenedPage> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    // CSP violations and failed loads are reported as console errors.
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(path.startsWith('/') ? `${stack.baseUrl}${path}` : path);
    return { page, requests, errors, close: () => context.close() };
  };

  /** Requests to anywhere but the stack; `data:` URLs load nothing, and a `blob:` URL has its page's origin. */
  const elsewhere = (requests: string[]) =>
    requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== stack.baseUrl);

  describe('the demo page', () => {
    it('labels photos uploaded through it, draws their boxes and lists them, loading nothing from elsewhere', async () => {
      const { page, requests, errors, close } = await open('/');
      try {
        await page.setInputFiles('#files', [join(FIXTURES_DIR, 'dog.jpg'), join(FIXTURES_DIR, 'truncated.jpg')]);

        const dog = page.locator('.upload', { hasText: 'dog.jpg' });
        await dog.and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 90_000 });
        const boxes = dog.locator('.box[data-label]');
        expect(await boxes.count()).toBeGreaterThanOrEqual(3);
        const dogBox = dog.locator('.box[data-label="dog"]');
        expect(await dogBox.count()).toBeGreaterThanOrEqual(1);
        // Drawn over the photo: inside the image's rectangle, and of a visible size.
        const image = await dog.locator('img').boundingBox();
        const box = await dogBox.first().boundingBox();
        expect(image).not.toBeNull();
        expect(box).not.toBeNull();
        if (image && box) {
          expect(box.width).toBeGreaterThan(10);
          expect(box.height).toBeGreaterThan(10);
          expect(box.x).toBeGreaterThanOrEqual(image.x - 1);
          expect(box.y).toBeGreaterThanOrEqual(image.y - 1);
          expect(box.x + box.width).toBeLessThanOrEqual(image.x + image.width + 1);
          expect(box.y + box.height).toBeLessThanOrEqual(image.y + image.height + 1);
        }
        expect(await dog.locator('.results').innerText()).toMatch(/dog \d+\.\d%/);
        // The upload's progress went all the way (its bar is hidden once the upload is done).
        expect(await dog.locator('progress').getAttribute('value')).toBe('1');

        const broken = page.locator('.upload', { hasText: 'truncated.jpg' });
        await broken.and(page.locator('[data-status="failed"]')).waitFor({ timeout: 90_000 });
        expect(await broken.locator('.status').innerText()).toContain('unsupported_image_format');

        const blobId = await dog.getAttribute('data-blob-id');
        expect(blobId).toMatch(/^[\w-]{20,}$/);
        await page
          .locator(`#recent tr[data-blob-id="${blobId}"]`)
          .filter({ hasText: 'succeeded' })
          .waitFor({ timeout: 10_000 });
        expect(await page.locator('#recent tbody tr').count()).toBeGreaterThanOrEqual(2);

        await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo.png'), fullPage: true });
        expect(requests).toContain(`${stack.baseUrl}/app.js`);
        expect(elsewhere(requests)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }, 150_000);

    it('asks for the features ticked and draws the faces found', async () => {
      const { page, errors, close } = await open('/');
      try {
        await page.check('input[name="feature"][value="faces"]');
        await page.setInputFiles('#files', join(FIXTURES_DIR, 'astronaut.png'));
        const card = page.locator('.upload', { hasText: 'astronaut.png' });
        await card.and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 90_000 });
        expect(await card.locator('.box[data-face="1"]').count()).toBe(1);
        expect(await card.locator('.box[data-label="person"]').count()).toBeGreaterThanOrEqual(1);
        expect(await card.locator('.results').innerText()).toMatch(/Faces\s+face 1 \d+%/);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }, 120_000);

    it('comes with the dev key filled in when opened on this machine', async () => {
      const { page, errors, close } = await open('/');
      try {
        expect(await page.inputValue('#api-key')).toBe(stack.apiKey);
        await page
          .locator('#recent-status')
          .filter({ hasText: /blobs|No blobs yet/ })
          .waitFor();
        expect(await page.locator('#recent-status').innerText()).not.toContain('Could not');
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });

    it('says where to open it when opened under a name its uploads cannot reach', async () => {
      const { page, close } = await open(stack.baseUrl.replace('127.0.0.1', 'localhost'));
      try {
        const notice = page.locator('#origin-notice');
        await notice.waitFor();
        expect(await notice.innerText()).toContain(`open ${stack.baseUrl}/`);
      } finally {
        await close();
      }
    });
  });

  describe('the API reference', () => {
    it('renders the operations from /openapi.json, loading nothing from elsewhere', async () => {
      const { page, requests, errors, close } = await open('/docs');
      try {
        const operation = (method: string, path: string) =>
          page.locator(`.opblock.opblock-${method}`, { has: page.locator(`[data-path="${path}"]`) }).first();
        await operation('post', '/blobs').waitFor({ timeout: 30_000 });
        for (const [method, path] of [
          ['post', '/blobs'],
          ['get', '/blobs'],
          ['get', '/blobs/{blob_id}'],
          ['delete', '/blobs/{blob_id}'],
        ] as const) {
          expect(await operation(method, path).isVisible()).toBe(true);
        }
        await page.screenshot({ path: join(ARTIFACTS_DIR, 'docs.png'), fullPage: true });
        expect(requests).toContain(`${stack.baseUrl}/openapi.json`);
        expect(elsewhere(requests)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    });
  });
});
