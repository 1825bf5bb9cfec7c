import type { LocalPage, PageResponse } from '@imgrec/shared/local';
import { readFile } from 'node:fs/promises';
import { pageHeaders } from '../pageHeaders/pageHeaders.js';
import { bundleDemoApp, type DemoBundle } from './bundleDemoApp/bundleDemoApp.js';

export interface DemoPageOptions {
  /** The file that keeps the dev tenant's key, read when a loopback client asks for the page. */
  devApiKeyFile: string;
  /** The server's public URL, which upload URLs point at: the page warns when it is opened under another origin. */
  publicUrl: string;
  /** Bundles the page's script; the default runs esbuild. */
  bundle?: () => Promise<DemoBundle>;
  /** Told how long the bundle took, once it is made. */
  onBundled?: (bundle: DemoBundle) => void;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );

const FEATURES = [
  { value: 'labels', text: 'Labels', checked: true },
  { value: 'text', text: 'Text', checked: false },
  { value: 'faces', text: 'Faces', checked: false },
];

/** The page; `apiKey` is the value of the key field, empty unless the page is for the machine's owner. */
export const demoHtml = ({ apiKey, publicOrigin }: { apiKey: string; publicOrigin: string }): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="imgrec-public-origin" content="${escapeHtml(publicOrigin)}" />
    <title>imgrec demo</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/app.css" />
    <script type="module" src="/app.js"></script>
  </head>
  <body>
    <header>
      <h1>imgrec</h1>
      <p>Drop photos to see what the service recognises in them. <a href="/docs">API reference</a></p>
    </header>
    <main>
      <p id="origin-notice" role="alert" hidden></p>
      <form id="settings">
        <div>
          <label for="api-key">API key</label>
          <input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck="false" placeholder="imgrec_sk_…" value="${escapeHtml(apiKey)}" />
        </div>
        <fieldset>
          <legend>Features</legend>
${FEATURES.map(
  (feature) =>
    `          <label><input type="checkbox" name="feature" value="${feature.value}"${feature.checked ? ' checked' : ''} /> ${feature.text}</label>`,
).join('\n')}
        </fieldset>
      </form>
      <section id="drop-zone" aria-labelledby="drop-heading">
        <h2 id="drop-heading">Images</h2>
        <label for="files">Choose JPEG or PNG images</label>
        <input id="files" type="file" accept="image/jpeg,image/png" multiple />
        <p class="hint">or drop them here.</p>
      </section>
      <section aria-labelledby="uploads-heading">
        <h2 id="uploads-heading">Uploads</h2>
        <ol id="uploads" aria-live="polite"></ol>
      </section>
      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent blobs</h2>
        <p><button id="refresh" type="button">Refresh</button> <span id="recent-status" role="status"></span></p>
        <table id="recent">
          <thead>
            <tr><th scope="col">Blob</th><th scope="col">Status</th><th scope="col">Labels</th><th scope="col">Created</th></tr>
          </thead>
          <tbody></tbody>
        </table>
      </section>
    </main>
  </body>
</html>
`;

const readDevKey = async (file: string): Promise<string> => {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    // No key file (yet): the field stays empty and the page asks for a key.
    return '';
  }
};

/**
 * `GET /` (the demo page), `/app.js` (its script) and `/app.css`. The key field is prefilled with the dev key only
 * for a loopback client (see LocalPage), and the page is never cached. The script is bundled when first asked for
 * and kept in memory, so the server starts no slower for it; a failed bundle is not kept, so the next request tries
 * again.
 */
export const demoPages = (options: DemoPageOptions): LocalPage[] => {
  const publicOrigin = new URL(options.publicUrl).origin;
  const bundle = options.bundle ?? bundleDemoApp;
  let script: Promise<DemoBundle> | undefined;
  const scriptOnce = () => {
    if (script === undefined) {
      const building = bundle();
      script = building;
      building.then(options.onBundled, () => (script = undefined));
    }
    return script;
  };

  return [
    {
      path: '/',
      render: async ({ fromLoopback }): Promise<PageResponse> => ({
        contentType: 'text/html; charset=utf-8',
        body: demoHtml({ apiKey: fromLoopback ? await readDevKey(options.devApiKeyFile) : '', publicOrigin }),
        headers: pageHeaders('no-store'),
      }),
    },
    {
      path: '/app.js',
      render: async () => ({
        contentType: 'text/javascript; charset=utf-8',
        body: (await scriptOnce()).code,
        headers: pageHeaders('revalidate'),
      }),
    },
    {
      path: '/app.css',
      render: async () => ({
        contentType: 'text/css; charset=utf-8',
        body: await readFile(new URL('demoPage.css', import.meta.url)),
        headers: pageHeaders('revalidate'),
      }),
    },
  ];
};
