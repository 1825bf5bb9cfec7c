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

/** The secrets to verify with, and where they came from: the flag, the environment, or the local data dir. */
const findSecrets = (flag: string | undefined): { secrets: string[]; source: string } | undefined => {
  if (flag) return { secrets: parseWebhookSecrets(flag), source: '--secret' };
  const configured = process.env.IMGREC_WEBHOOK_SECRET?.trim();
  if (configured) return { secrets: parseWebhookSecrets(configured), source: 'IMGREC_WEBHOOK_SECRET' };
  const file = join(resolve(process.env.IMGREC_DATA_DIR ?? '.imgrec'), LOCAL_WEBHOOK_SECRET_FILE);
  if (existsSync(file)) return { secrets: parseWebhookSecrets(readFileSync(file, 'utf8')), source: file };
  return undefined;
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

  const found = findSecrets(values.secret);
  const listener = await startWebhookListener({ port, secrets: found?.secrets, print: out });
  out(`Listening for imgrec callbacks on ${listener.url}`);
  out(
    found
      ? `Verifying signatures with ${found.secrets.length} secret(s) from ${found.source}.`
      : 'No secret found: signatures are shown but not verified (pass --secret whsec_…).',
  );
  const stop = () => void listener.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`webhooks:listen: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
