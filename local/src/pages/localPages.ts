import type { Logger } from '@imgrec/shared';
import type { LocalPage } from '@imgrec/shared/local';
import { demoPages } from './demoPage/demoPage.js';
import { docsPage } from './docsPage/docsPage.js';

/**
 * The pages `npm start` serves besides the API, with no key: the demo page at `/` and the API reference at `/docs`.
 */
export const localPages = (options: { devApiKeyFile: string; publicUrl: string; log: Logger }): LocalPage[] => [
  ...demoPages({
    devApiKeyFile: options.devApiKeyFile,
    publicUrl: options.publicUrl,
    onBundled: ({ code, buildMs }) =>
      options.log.info('bundled the demo page', { ms: buildMs, bytes: Buffer.byteLength(code) }),
  }),
  docsPage(),
];
