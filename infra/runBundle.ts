import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readZip } from './readZip.js';

/**
 * Extracts a function zip where no node_modules folder can be found above it, as Lambda has nothing but the zip,
 * and returns the path of its handler module.
 * @throws Error when the zip holds no `handler.mjs`.
 */
export const unpackBundle = (zipPath: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'imgrec-bundle-'));
  let handlerFile: string | undefined;
  for (const [name, contents] of readZip(readFileSync(zipPath))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), contents);
    if (name.endsWith('/handler.mjs')) handlerFile = join(dir, name);
  }
  if (!handlerFile) throw new Error(`${zipPath} holds no handler.mjs`);
  return handlerFile;
};

// Runs in a fresh Node process, like a Lambda init: import the module, then invoke `handler` once.
const INVOKE = `
const [file, event] = process.argv.slice(1);
const module = await import(file);
if (event === undefined) console.log(JSON.stringify(typeof module.handler));
else console.log(JSON.stringify((await module.handler(JSON.parse(event), { awsRequestId: 'bundle-test' })) ?? null));
`;

/**
 * Imports a bundle in a child process with only `env` set, and invokes its handler with `event`; without an event,
 * resolves to the type of its `handler` export. Resolves to what the handler returned.
 * @throws the child's error output when the import or the invocation fails.
 */
export const runBundle = async (
  handlerFile: string,
  env: Record<string, string>,
  event?: unknown,
): Promise<unknown> => {
  const args = [
    '--input-type=module',
    '-e',
    INVOKE,
    handlerFile,
    ...(event === undefined ? [] : [JSON.stringify(event)]),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: dirname(handlerFile),
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null');
};
