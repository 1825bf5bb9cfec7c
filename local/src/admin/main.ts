import { ImgrecError } from '@imgrec/shared';
import { PRIVATE_UMASK } from '@imgrec/shared/local';
import { resolve } from 'node:path';
import { awsAdminBackend, resolveAdminRegion } from './adminBackend/awsAdminBackend.js';
import { localAdminBackend } from './adminBackend/localAdminBackend.js';
import { ADMIN_USAGE, AdminUsageError, parseAdminArgs, runAdminCommand } from './runAdminCommand/runAdminCommand.js';

const argv = process.argv.slice(2);
const wantsJson = argv.includes('--json');

/** One line on stderr for a person; with --json, one JSON object on stdout as well, the error's. */
const fail = (error: unknown): never => {
  const code = error instanceof ImgrecError ? error.code : 'admin_failed';
  const message = error instanceof Error ? error.message : String(error);
  if (wantsJson) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  process.stderr.write(`admin: ${message}${error instanceof AdminUsageError ? ' (see --help)' : ''}\n`);
  process.exit(error instanceof AdminUsageError ? 2 : 1);
};

/** `npm run admin -- …`: tenants, API keys and webhook secrets, in local mode or on a deployed stage. */
const main = async () => {
  // It creates databases and key files in the data dir when the server has not yet: private, as the server's are.
  process.umask(PRIVATE_UMASK);
  const args = parseAdminArgs(argv);
  if (args.values.help || args.positionals.length === 0) {
    process.stdout.write(`${ADMIN_USAGE}\n`);
    return;
  }
  const backend =
    args.values.stage === undefined
      ? localAdminBackend(resolve(process.env.IMGREC_DATA_DIR ?? '.imgrec'))
      : await awsAdminBackend(args.values.stage, resolveAdminRegion(args.values.region));
  const result = await runAdminCommand(args, backend).finally(() => backend.close());
  process.stdout.write(`${args.values.json ? JSON.stringify(result.json) : result.text}\n`);
};

main().catch(fail);
