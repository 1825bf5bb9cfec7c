import { once } from '@imgrec/shared';
import { uploadsConfig } from './config.js';
import type { UploadsDeps } from './ports.js';

/**
 * The uploads service's adapters for this process, chosen by its config's mode and wired once (per Lambda cold
 * start). The local adapters are imported only in local mode: Lambda bundles leave that module out (see
 * infra/esbuild.config.cjs), and with it SQLite and every other local-only dependency.
 */
export const uploadsRuntime = once(async (): Promise<UploadsDeps> => {
  const config = uploadsConfig();
  if (config.mode === 'aws') {
    const { awsUploadsRuntime } = await import('./awsRuntime.js');
    return awsUploadsRuntime(config);
  }
  const { localUploadsRuntime } = await import('./localRuntime.js');
  return localUploadsRuntime(config);
});
