import type { LocalPage, PageResponse } from '@imgrec/shared/local';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pageHeaders } from '../pageHeaders/pageHeaders.js';

/** Where the page lives; its assets are served under it. */
const DOCS_PATH = '/docs';

/** The files of swagger-ui-dist the page loads, served as they were installed. Nothing else of the package is. */
const VENDORED_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * Swagger UI's settings, in a script of its own, as the CSP forbids inline ones. The BaseLayout has no "explore another
 * URL" bar, and `validatorUrl: null` keeps Swagger UI from loading a badge from validator.swagger.io.
 */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>imgrec API reference</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="stylesheet" href="${DOCS_PATH}/index.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

/** The folder swagger-ui-dist is installed in. */
const swaggerUiDir = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * `GET /docs`: the API reference, Swagger UI rendering `/openapi.json`, served with its assets from this server so
 * that the page loads nothing from another origin. An asset is read from the installed package when first asked for
 * and then kept in memory, so the page costs the server's start nothing.
 */
export const docsPage = (): LocalPage => {
  const assets = new Map<string, Promise<Uint8Array>>();
  const asset = (name: string): Promise<Uint8Array> => {
    let bytes = assets.get(name);
    if (bytes === undefined) {
      bytes = readFile(join(swaggerUiDir(), name));
      // A failed read (the package missing) is not kept, so the next request tries again.
      bytes.catch(() => assets.delete(name));
      assets.set(name, bytes);
    }
    return bytes;
  };

  return {
    path: `${DOCS_PATH}/`,
    render: async ({ path }): Promise<PageResponse | undefined> => {
      if (path === DOCS_PATH || path === `${DOCS_PATH}/`) {
        return { contentType: 'text/html; charset=utf-8', body: HTML, headers: pageHeaders('revalidate') };
      }
      const name = path.slice(DOCS_PATH.length + 1);
      if (name === 'init.js') {
        return {
          contentType: 'text/javascript; charset=utf-8',
          body: INIT_SCRIPT,
          headers: pageHeaders('revalidate'),
        };
      }
      const contentType = VENDORED_ASSETS[name];
      if (contentType === undefined) return undefined;
      return { contentType, body: await asset(name), headers: pageHeaders('hour') };
    },
  };
};
