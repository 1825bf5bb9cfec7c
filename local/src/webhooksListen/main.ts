import { parseWebhookSecrets } from '@imgrec/shared';
import { localConfigFromEnv } from '@imgrec/shared/local';
import { devWebhookSecretsFromEnv, readDevWebhookSecrets } from '@imgrec/webhooks/devWebhookSecret';
import { parseArgs } from 'node:util';
import { startWebhookListener } from './startWebhookListener.js';

const USAGE = `Usage: npm run webhooks:listen -- [--port 4000] [--secret whsec_…]

Receives imgrec callbacks on http://127.0.0.1:<port>/, prints each one and whether its signature verifies, and
answers 204. Without --secret it verifies with the dev tenant's secrets: IMGREC_WEBHOOK_SECRET, or else those
\`npm start\` keeps (encrypted) in the data dir (IMGREC_DATA_DIR, default .imgrec), read again at each delivery so a
rotation counts at once. Point a blob at it with "callback_url": "http://localhost:<port>/".
`;

const out = (text: string) => process.stdout.write(`${text}\n`);

/**
 * Where the secrets come from: the flag, else the dev tenant's (IMGREC_WEBHOOK_SECRET, or the data dir's store),
 * which are read again at each delivery: the server may create them after the listener started, and the admin CLI
 * may rotate them.
 */
const secretSource = (flag: string | undefined) => {
  if (flag) {
    const secrets = parseWebhookSecrets(flag);
    return { secrets: () => secrets, source: '--secret' };
  }
  const { dataDir } = localConfigFromEnv();
  return {
    secrets: () => readDevWebhookSecrets(dataDir),
    source: devWebhookSecretsFromEnv() ? 'IMGREC_WEBHOOK_SECRET' : `the dev tenant's secrets in ${dataDir}`,
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
  // Checked once before listening, so a malformed setting fails here rather than at each delivery.
  const found = await secrets();
  const listener = await startWebhookListener({ port, secrets, print: out });
  out(`Listening for imgrec callbacks on ${listener.url}`);
  out(
    found.length > 0
      ? `Verifying signatures with ${source}.`
      : `No secret yet: signatures are verified once \`npm start\` has made ${source} (or pass --secret whsec_…).`,
  );
  const stop = () => void listener.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`webhooks:listen: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
