import { fileURLToPath } from 'node:url';

/** The demo page's script, bundled: the code a browser runs, and how long esbuild took to make it. */
export interface DemoBundle {
  code: string;
  buildMs: number;
}

const BROWSER_DIR = new URL('../browser/', import.meta.url);

/**
 * Bundles the demo page's browser code (browser/demoApp.ts with @imgrec/client's browser entry) into one minified
 * ES module, in memory, with esbuild's build API. esbuild is loaded only here, so a server that never serves the
 * page never loads it.
 * @throws esbuild's error when the code does not compile.
 */
export const bundleDemoApp = async (): Promise<DemoBundle> => {
  const started = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('demoApp.ts', BROWSER_DIR))],
    tsconfig: fileURLToPath(new URL('tsconfig.json', BROWSER_DIR)),
    bundle: true,
    // The browser platform takes the client's browser entry, which reaches no node: module.
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no bundle for the demo page');
  return { code: output.text, buildMs: Math.round(performance.now() - started) };
};
