import { describe, expect, it } from '@jest/globals';
import { UsageError, parseCliArgs } from './parseCliArgs.js';

const usageError = (argv: string[]) => {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} parsed`);
};

describe('parseCliArgs', () => {
  it('reads label with its defaults: a table, 8 uploads in flight, the API’s own thresholds', () => {
    expect(parseCliArgs(['label', 'photos', 'cat.jpg'])).toEqual({
      command: {
        name: 'label',
        paths: ['photos', 'cat.jpg'],
        format: 'table',
        concurrency: 8,
        minConfidence: undefined,
        features: undefined,
      },
      connection: { api: undefined, key: undefined },
      debug: false,
    });
  });

  it('reads every label option, with global options before or after the command', () => {
    const args = parseCliArgs([
      '--api',
      'https://api.example.com',
      'label',
      'a.png',
      '--csv',
      '--concurrency',
      '3',
      '--min-confidence',
      '42.5',
      '--features',
      'labels, text,faces,text',
      '--key',
      'imgrec_sk_x',
      '--debug',
    ]);
    expect(args).toEqual({
      command: {
        name: 'label',
        paths: ['a.png'],
        format: 'csv',
        concurrency: 3,
        minConfidence: 42.5,
        features: ['labels', 'text', 'faces'],
      },
      connection: { api: 'https://api.example.com', key: 'imgrec_sk_x' },
      debug: true,
    });
    expect(parseCliArgs(['label', 'a.png', '--json']).command).toMatchObject({ format: 'json' });
  });

  it('reads get, list, delete, smoke and webhooks listen', () => {
    expect(parseCliArgs(['get', 'abc']).command).toEqual({ name: 'get', blobId: 'abc' });
    expect(parseCliArgs(['delete', 'abc']).command).toEqual({ name: 'delete', blobId: 'abc' });
    expect(parseCliArgs(['list', '--status', 'failed', '--limit', '5', '--json']).command).toEqual({
      name: 'list',
      status: 'failed',
      limit: 5,
      format: 'json',
    });
    expect(parseCliArgs(['list']).command).toEqual({ name: 'list', status: undefined, limit: 20, format: 'table' });
    expect(parseCliArgs(['smoke', '--receiver', 'https://hooks.example.com/x']).command).toEqual({
      name: 'smoke',
      receiver: 'https://hooks.example.com/x',
      port: 4000,
      secret: undefined,
    });
    expect(parseCliArgs(['webhooks', 'listen', '--port', '0', '--secret', 'whsec_x']).command).toEqual({
      name: 'webhooks listen',
      port: 0,
      secret: 'whsec_x',
    });
  });

  it('takes a blob id that begins with "-" (one in 64 do) for the id it is, not an option', () => {
    expect(parseCliArgs(['get', '-YWfh7XO_MkXZV-7sKKtgA']).command).toEqual({
      name: 'get',
      blobId: '-YWfh7XO_MkXZV-7sKKtgA',
    });
    expect(parseCliArgs(['delete', '--api', 'http://127.0.0.1:3000', '-YWfh7XO_MkXZV-7sKKtgA']).command).toEqual({
      name: 'delete',
      blobId: '-YWfh7XO_MkXZV-7sKKtgA',
    });
  });

  it('shows help with no command or with --help, and the version with --version', () => {
    expect(parseCliArgs([]).command).toEqual({ name: 'help' });
    expect(parseCliArgs(['label', '--help']).command).toEqual({ name: 'help' });
    expect(parseCliArgs(['--version']).command).toEqual({ name: 'version' });
  });

  it('says what is wrong with a command line, in one line', () => {
    expect(usageError(['lable', 'x'])).toBe('unknown command "lable"');
    expect(usageError(['webhooks'])).toBe('the webhooks command is "imgrec webhooks listen"');
    expect(usageError(['label'])).toBe('label needs at least one file or folder');
    expect(usageError(['label', 'x', '--jsno'])).toBe("Unknown option '--jsno'");
    expect(usageError(['label', 'x', '--json', '--csv'])).toBe('choose one of --json and --csv');
    expect(usageError(['label', 'x', '--concurrency', '0'])).toBe(
      '--concurrency must be a whole number from 1 to 64, got "0"',
    );
    expect(usageError(['label', 'x', '--concurrency', '2.5'])).toContain('whole number');
    expect(usageError(['label', 'x', '--min-confidence', '101'])).toBe(
      '--min-confidence must be a number from 0 to 100, got "101"',
    );
    expect(usageError(['label', 'x', '--features', 'labels,colours'])).toBe(
      '--features takes a comma-separated list of labels, text, faces; got "labels,colours"',
    );
    expect(usageError(['get'])).toBe('get takes one blob id');
    expect(usageError(['get', 'a', 'b'])).toBe('get takes one blob id');
    expect(usageError(['list', '--status', 'done'])).toContain('--status must be one of awaiting_upload');
    expect(usageError(['get', 'abc', '--json'])).toBe('get does not take --json');
    expect(usageError(['webhooks', 'listen', '--port', '70000'])).toContain('--port must be a whole number');
  });
});
