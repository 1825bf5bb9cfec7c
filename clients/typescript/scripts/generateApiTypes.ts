import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The spec the API serves at GET /openapi.json, committed beside the docs. */
export const SPEC_URL = new URL('../../../docs/openapi.json', import.meta.url);
/** The generated types, committed so that the client typechecks on a fresh clone. */
export const TYPES_FILE = fileURLToPath(new URL('../src/generated/api.ts', import.meta.url));

/**
 * The client's types as openapi-typescript makes them from docs/openapi.json, formatted as the repository formats
 * TypeScript (so the committed file passes `prettier --check`).
 */
export const renderApiTypes = async (): Promise<string> => {
  const source = `${COMMENT_HEADER}${astToString(await openapiTS(SPEC_URL, { silent: true }))}`;
  return format(source, { ...(await resolveConfig(TYPES_FILE)), filepath: TYPES_FILE });
};

// `npm run generate -w @imgrec/client`: write the types.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(TYPES_FILE, await renderApiTypes());
  process.stdout.write(`wrote ${TYPES_FILE}\n`);
}
