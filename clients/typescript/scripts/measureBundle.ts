import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
  /** Each input file's share of the minified bundle, biggest first. */
  inputs: { path: string; bytes: number }[];
}

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * What `import { createImgrecClient } from '@imgrec/client'` costs a browser app: the package bundled by esbuild for
 * the browser (so the package's browser entry, and an error for any node: module it reaches), minified and gzipped.
 * @throws esbuild's error when the browser entry does not bundle for browsers.
 */
export const measureBundle = async (): Promise<BundleSize> => {
  const result = await build({
    stdin: { contents: "export * from '@imgrec/client';", resolveDir: PACKAGE_DIR, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  return {
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    inputs: Object.entries(output?.inputs ?? {})
      .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes),
  };
};

// `npm run measure-bundle -w @imgrec/client`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = await measureBundle();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(`@imgrec/client for browsers: ${kb(size.minifiedBytes)} minified, ${kb(size.gzipBytes)} gzip\n`);
  for (const { path, bytes } of size.inputs) process.stdout.write(`  ${kb(bytes).padStart(9)}  ${path}\n`);
}
