import { parseArgs } from 'node:util';
import type { BlobStatus, CreateBlobRequest } from '../../client/createImgrecClient/createImgrecClient.js';

export type Feature = NonNullable<CreateBlobRequest['features']>[number];
// Records over the spec's own unions: a feature or status added to (or removed from) the API fails the typecheck here.
const FEATURE_SET: Record<Feature, true> = { labels: true, text: true, faces: true };
const STATUS_SET: Record<BlobStatus, true> = {
  awaiting_upload: true,
  processing: true,
  succeeded: true,
  failed: true,
  expired: true,
};
export const FEATURES = Object.keys(FEATURE_SET) as Feature[];
export const STATUSES = Object.keys(STATUS_SET) as BlobStatus[];
export type OutputFormat = 'table' | 'json' | 'csv';

/** Settings every command that talks to the API takes. */
export interface Connection {
  api: string | undefined;
  key: string | undefined;
}

export type CliCommand =
  | { name: 'help' }
  | { name: 'version' }
  | {
      name: 'label';
      paths: string[];
      format: OutputFormat;
      concurrency: number;
      minConfidence: number | undefined;
      features: Feature[] | undefined;
    }
  | { name: 'get'; blobId: string }
  | { name: 'list'; status: BlobStatus | undefined; limit: number; format: 'table' | 'json' }
  | { name: 'delete'; blobId: string }
  | { name: 'smoke'; receiver: string | undefined; port: number; secret: string | undefined }
  | { name: 'webhooks listen'; port: number; secret: string | undefined };

export interface CliArgs {
  command: CliCommand;
  connection: Connection;
  debug: boolean;
}

/** A command line that cannot be run: the message says what to fix; the CLI exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const OPTIONS = {
  api: { type: 'string' },
  key: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  concurrency: { type: 'string' },
  'min-confidence': { type: 'string' },
  features: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  receiver: { type: 'string' },
  port: { type: 'string' },
  secret: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

const GLOBAL: OptionName[] = ['api', 'key', 'debug', 'help', 'version'];
/** The options each command takes besides the global ones. */
const COMMAND_OPTIONS: Record<string, OptionName[]> = {
  label: ['json', 'csv', 'concurrency', 'min-confidence', 'features'],
  get: [],
  list: ['status', 'limit', 'json'],
  delete: [],
  smoke: ['receiver', 'port', 'secret'],
  'webhooks listen': ['port', 'secret'],
};

const integer = (name: string, raw: string | undefined, min: number, max: number, fallback: number): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
};

const number = (name: string, raw: string | undefined, min: number, max: number): number | undefined => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
};

const features = (raw: string | undefined): Feature[] | undefined => {
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(FEATURES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--features takes a comma-separated list of ${FEATURES.join(', ')}; got "${raw}"`);
  }
  return [...new Set(names)] as Feature[];
};

const oneArgument = (command: string, what: string, rest: string[]): string => {
  if (rest.length !== 1 || rest[0] === undefined) throw new UsageError(`${command} takes one ${what}`);
  return rest[0];
};

/** A blob id is 22 base64url characters, so one in 64 begins with '-', which parseArgs would take for an option. */
const BLOB_ID_LIKE_AN_OPTION = /^-[A-Za-z0-9_-]{21}$/;

/** The command line with such blob ids moved after `--`, where parseArgs reads them as the positionals they are. */
const withBlobIdsAsPositionals = (argv: readonly string[]): string[] => {
  const ids = argv.filter((arg) => BLOB_ID_LIKE_AN_OPTION.test(arg));
  if (ids.length === 0) return [...argv];
  const others = argv.filter((arg) => !BLOB_ID_LIKE_AN_OPTION.test(arg));
  return [...others, ...(others.includes('--') ? [] : ['--']), ...ids];
};

/**
 * Parses the `imgrec` command line with node:util's parseArgs: the command, its options and the global ones
 * (`--api`, `--key`, `--debug`). Options may come before or after the command.
 * @throws UsageError for an unknown command or option, an option the command does not take, or a bad value.
 */
export const parseCliArgs = (argv: readonly string[]): CliArgs => {
  let parsed;
  try {
    parsed = parseArgs({
      args: withBlobIdsAsPositionals(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--jsno'. To specify a positional argument starting with a '-', …".
    // (Read structurally: under a test runner's VM the error may come from another realm's TypeError.)
    const message = String((error as { message?: unknown }).message ?? error);
    throw new UsageError(message.split('. ')[0] ?? message);
  }
  const { values, positionals } = parsed;
  const connection = { api: values.api, key: values.key };
  const debug = values.debug === true;
  const [first, ...rest] = positionals;
  if (values.version) return { command: { name: 'version' }, connection, debug };
  if (first === undefined || values.help) return { command: { name: 'help' }, connection, debug };

  const name = first === 'webhooks' && rest[0] === 'listen' ? 'webhooks listen' : first;
  const args = name === 'webhooks listen' ? rest.slice(1) : rest;
  const allowed = COMMAND_OPTIONS[name];
  if (allowed === undefined) {
    throw new UsageError(
      first === 'webhooks' ? 'the webhooks command is "imgrec webhooks listen"' : `unknown command "${first}"`,
    );
  }
  const given = (Object.keys(values) as OptionName[]).filter((option) => values[option] !== undefined);
  const misplaced = given.find((option) => !GLOBAL.includes(option) && !allowed.includes(option));
  if (misplaced) throw new UsageError(`${name} does not take --${misplaced}`);

  const port = () => integer('port', values.port, 0, 65_535, 4000);
  const command = ((): CliCommand => {
    switch (name) {
      case 'label':
        if (args.length === 0) throw new UsageError('label needs at least one file or folder');
        if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
        return {
          name,
          paths: args,
          format: values.json ? 'json' : values.csv ? 'csv' : 'table',
          concurrency: integer('concurrency', values.concurrency, 1, 64, 8),
          minConfidence: number('min-confidence', values['min-confidence'], 0, 100),
          features: features(values.features),
        };
      case 'get':
        return { name, blobId: oneArgument(name, 'blob id', args) };
      case 'delete':
        return { name, blobId: oneArgument(name, 'blob id', args) };
      case 'list': {
        if (args.length > 0) throw new UsageError('list takes no arguments');
        const status = values.status;
        if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
          throw new UsageError(`--status must be one of ${STATUSES.join(', ')}; got "${status}"`);
        }
        return {
          name,
          status: status as BlobStatus | undefined,
          limit: integer('limit', values.limit, 1, 10_000, 20),
          format: values.json ? 'json' : 'table',
        };
      }
      case 'smoke':
        if (args.length > 0) throw new UsageError('smoke takes no arguments');
        return { name, receiver: values.receiver, port: port(), secret: values.secret };
      default:
        if (args.length > 0) throw new UsageError('webhooks listen takes no arguments');
        return { name: 'webhooks listen', port: port(), secret: values.secret };
    }
  })();
  return { command, connection, debug };
};
