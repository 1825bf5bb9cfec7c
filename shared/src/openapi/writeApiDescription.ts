import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { apiDescriptionJson } from './buildApiDescription.js';

/** Where the API description is kept in the repository, for readers and for the generated client. */
export const API_DESCRIPTION_PATH = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

/**
 * The text docs/openapi.json must hold: the generated document, formatted as the repository formats JSON, so that
 * the formatting check leaves it alone.
 */
export const formattedApiDescription = async (): Promise<string> =>
  format(apiDescriptionJson(), { ...(await resolveConfig(API_DESCRIPTION_PATH)), filepath: API_DESCRIPTION_PATH });

// Run as `node --import tsx shared/src/openapi/writeApiDescription.ts` after changing the API.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(API_DESCRIPTION_PATH, await formattedApiDescription());
  process.stdout.write(`wrote ${API_DESCRIPTION_PATH}\n`);
}
