import { startWebhookListener } from '../../node/startWebhookListener/startWebhookListener.js';
import type { CliCommand } from '../parseCliArgs/parseCliArgs.js';
import type { CliIo } from '../runCli/cliIo.js';
import { webhookSecretSource } from './webhookSecrets.js';

/**
 * `imgrec webhooks listen [--port 4000] [--secret whsec_…]`: receives imgrec callbacks on http://127.0.0.1:<port>/,
 * prints each one and whether its signature verifies, and answers 204, until SIGINT or SIGTERM.
 */
export const webhooksListenCommand = async (
  command: Extract<CliCommand, { name: 'webhooks listen' }>,
  io: CliIo,
): Promise<number> => {
  const out = (text: string) => io.stdout.write(`${text}\n`);
  const { secrets, source } = webhookSecretSource(command.secret, io.env, io.cwd);
  // Read once before listening, so a malformed setting fails here rather than at each delivery.
  const found = await secrets();
  const listener = await startWebhookListener({ port: command.port, secrets, print: out });
  out(`Listening for imgrec callbacks on ${listener.url}`);
  out(
    found.length > 0
      ? `Verifying signatures with ${source}.`
      : `No secret yet: signatures are verified once \`npm start\` has made ${source} (or pass --secret whsec_…).`,
  );
  await io.stopRequested();
  await listener.close();
  return 0;
};
