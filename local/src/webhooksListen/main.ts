import { LOCAL_WEBHOOK_SECRET_FILE, parseWebhookSecrets } from '@imgrec/shared';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startWebhookListener } from './startWebhookListener.js';

const USAGE = `Usage: npm run webhooks:listen -- [--port 4000] [--secret whsec_…]

Receives imgrec callbacks on http://127.0.0.1:<port>/, prints each one and whether its signature verifies, and
answers 204. Without --secret it verifies with IMGREC_WEBHOOK_SECRET, or else with the secret \`npm start\` keeps in
the data dir (IMGREC_DATA_DIR, default .imgrec). Point a blob at it with "callback_url": "http://localhost:<port>/".
`;

const out = (text: string) => process.stdout.write(`${text}\n`);

const localSecretFile = () => join(resolve(process.env.IMGREC_DATA_DIR ?? '.imgrec'), LOCAL_WEBHOOK_SECRET_FILE);

/**
 * Where the secrets come from: the flag, else the environment, else the file `npm start` keeps in the data dir.
 * The file is read at each delivery until it exists, since the server may create it after the listener started.
 */
const secretSource = (flag: string | undefined): { secrets: () => readonly string[]; source: string } => {
  if (flag) {
    const secrets = parseWebhookSecrets(flag);
    return { secrets: () => secrets, source: '--secret' };
  }
  const configured = process.env.IMGREC_WEBHOOK_SECRET?.trim();
  if (configured) {
    const secrets = parseWebhookSecrets(configured);
    return { secrets: () => secrets, source: 'IMGREC_WEBHOOK_SECRET' };
  }
  const file = localSecretFile();
  let found: readonly string[] | undefined;
  return {
    secrets: () => (found ??= existsSync(file) ? parseWebhookSecrets(readFileSync(file, 'utf8')) : undefined) ?? [],
    source: file,
  };
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4000' },
      secret: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be a port number, got ${values.port}`);

  const { secrets, source } = secretSource(values.secret);
  const listener = await startWebhookListener({ port, secrets, print: out });
  out(`Listening for imgrec callbacks on ${listener.url}`);
  out(
    secrets().length > 0
      ? `Verifying signatures with the secret(s) from ${source}.`
      : `No secret yet: signatures are verified once ${source} exists (or pass --secret whsec_…).`,
  );
  const stop = () => void listener.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`webhooks:listen: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
