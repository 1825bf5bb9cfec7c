import { execFile } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unpackBundle } from './runBundle.js';
import { templateEnvironment } from './templateEnvironment.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORTS_PER_BUNDLE = 15;

// A fresh process per import, as a Lambda cold start: only the module's own load and init is timed.
const TIME_IMPORT = `
const started = performance.now();
await import(process.argv[1]);
console.log(performance.now() - started);
`;

export interface BundleFigures {
  bundle: string;
  zipBytes: number;
  /** Median time to import the handler module in a fresh Node process, in ms. */
  importMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * Sizes and cold import times of every function zip that `npm run package` left in services/<service>/.serverless.
 * Each handler is imported with nothing but its zip and its template's environment, several times, and the median
 * kept.
 */
export const measureBundles = async (): Promise<BundleFigures[]> => {
  const bundles = readdirSync(join(ROOT, 'services')).flatMap((service) => {
    const packaged = join(ROOT, 'services', service, '.serverless');
    let zips: string[];
    try {
      zips = readdirSync(packaged).filter((name) => name.endsWith('.zip'));
    } catch {
      return [];
    }
    return zips.map((zip) => ({
      bundle: `${service}/${zip.replace(/\.zip$/, '')}`,
      env: templateEnvironment(service, zip.replace(/\.zip$/, '')),
      zip: join(packaged, zip),
      handlerFile: unpackBundle(join(packaged, zip)),
      times: [] as number[],
    }));
  });
  // Round after round over every bundle, so that a slow spell of the machine weighs on all of them alike.
  for (let run = 0; run < IMPORTS_PER_BUNDLE; run += 1) {
    for (const bundle of bundles) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', TIME_IMPORT, bundle.handlerFile],
        {
          cwd: dirname(bundle.handlerFile),
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', ...bundle.env },
        },
      );
      bundle.times.push(Number(stdout.trim()));
    }
  }
  for (const bundle of bundles) rmSync(dirname(dirname(dirname(bundle.handlerFile))), { recursive: true, force: true });
  return bundles.map((bundle) => ({
    bundle: bundle.bundle,
    zipBytes: statSync(bundle.zip).size,
    importMs: median(bundle.times),
  }));
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await measureBundles();
  process.stdout.write(
    `| bundle | zip bytes | cold import, median of ${IMPORTS_PER_BUNDLE} (ms) |\n|---|---|---|\n${figures
      .map((each) => `| ${each.bundle} | ${each.zipBytes} | ${each.importMs.toFixed(1)} |`)
      .join('\n')}\n`,
  );
}
