import { readFile } from 'node:fs/promises';
import { buildImgrecClient } from '../../client/createImgrecClient/createImgrecClient.js';
import { deleteCommand, getCommand, listCommand } from '../commands/blobCommands.js';
import { labelCommand } from '../commands/labelCommand.js';
import { describeError, type ErrorContext } from '../describeError/describeError.js';
import { UsageError, parseCliArgs, type CliArgs } from '../parseCliArgs/parseCliArgs.js';
import { DEFAULT_API_URL, resolveSettings } from '../resolveSettings/resolveSettings.js';
import type { CliIo } from './cliIo.js';

export const USAGE = `Usage: imgrec <command> [options]

Commands:
  label <files or folders…>   Label images (folders are walked for .jpg, .jpeg and .png)
      --json | --csv            JSON lines or CSV on stdout instead of a table
      --concurrency N           uploads in flight (default 8; results are awaited alongside)
      --min-confidence N        the API's min_confidence, 0-100
      --features labels,text,faces
  get <blob id>               Show a blob as JSON
  list [--status s] [--limit n] [--json]
                              The newest blobs first (default 20)
  delete <blob id>            Delete a blob and its image
  smoke [--receiver <public url>] [--port 4000] [--secret whsec_…]
                              Check a deployed stage end to end: health, upload, labels, webhook, delete
  webhooks listen [--port 4000] [--secret whsec_…]
                              Receive callbacks on http://127.0.0.1:<port>/ and print them, with their signature check

Options:
  --api <url>     the API (IMGREC_API_URL; default ${DEFAULT_API_URL})
  --key <key>     the API key (IMGREC_API_KEY; against a loopback API, the dev key npm start keeps in
                  <IMGREC_DATA_DIR, default .imgrec>/dev-api-key)
  --debug         show stack traces
  -h, --help

Progress goes to stderr (a bar on a terminal); results to stdout. The exit code is 1 when anything failed, 2 for a
bad command line.
`;

/**
 * Runs one `imgrec` command line and returns its exit code: 0 success, 1 something failed (each problem said in one
 * `imgrec: …` line on stderr), 2 a bad command line. Never throws, and prints a stack trace only with `--debug`.
 */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`imgrec: ${describeError(error)}\nRun "imgrec --help" for usage.\n`);
    return 2;
  }
  const { command } = args;
  const context: ErrorContext = {};
  try {
    switch (command.name) {
      case 'help':
        io.stdout.write(USAGE);
        return 0;
      case 'version':
        io.stdout.write(`${(await import('../../../package.json', { with: { type: 'json' } })).default.version}\n`);
        return 0;
      // Imported when used: webhook verification loads the shared contract, which the other commands do without.
      case 'webhooks listen':
        return await (await import('../commands/webhooksListenCommand.js')).webhooksListenCommand(command, io);
      default:
        break;
    }
    const settings = await resolveSettings(args.connection, io.env, io.cwd);
    Object.assign(context, { apiUrl: settings.apiUrl, keySource: settings.keySource });
    const client = buildImgrecClient(
      { apiUrl: settings.apiUrl, apiKey: settings.apiKey },
      { readFile: (path) => readFile(path) },
    );
    switch (command.name) {
      case 'label':
        return await labelCommand(command, client, io, context);
      case 'get':
        return await getCommand(command, client, io);
      case 'list':
        return await listCommand(command, client, io);
      case 'delete':
        return await deleteCommand(command, client, io);
      case 'smoke':
        return await (
          await import('../commands/smokeCommand.js')
        ).smokeCommand(command, client, io, { ...context, apiUrl: settings.apiUrl });
    }
  } catch (error) {
    const subject = 'blobId' in command ? `${command.blobId}: ` : '';
    io.stderr.write(`imgrec: ${subject}${describeError(error, context)}\n`);
    if (args.debug && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
};
