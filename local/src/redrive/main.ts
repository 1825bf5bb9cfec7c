import { buildLogger } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { LOCAL_DELIVERY_QUEUES, redriveLocalDeliveries } from '@imgrec/webhooks/local';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run redrive -- [--blob <blob_id>]

Moves failed callbacks from the webhooks DLQ of the local data dir (IMGREC_DATA_DIR, default .imgrec) back to the
delivery queue, all of them or one blob's, and prints what it replayed. Each replayed callback keeps its
webhook-id and starts the retry schedule again. Safe while \`npm start\` runs.
`;

const out = (text: string) => process.stdout.write(`${text}\n`);

const main = async () => {
  const { values } = parseArgs({
    options: { blob: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out(USAGE);
    return;
  }
  const platform = localPlatform();
  // Log lines go to stderr, so stdout carries only the report.
  const log = buildLogger(
    { component: 'redrive' },
    { level: 'warn', write: (line) => process.stderr.write(`${line}\n`) },
  );
  const report = await redriveLocalDeliveries(platform, values.blob === undefined ? {} : { blobId: values.blob }, log);

  const scope = values.blob === undefined ? '' : ` for blob ${values.blob}`;
  if (report.replayed.length === 0) out(`Nothing to replay${scope} in ${LOCAL_DELIVERY_QUEUES.deadLetterQueue}.`);
  else out(`Replayed ${report.replayed.length} callback(s)${scope} to ${LOCAL_DELIVERY_QUEUES.queue}:`);
  for (const message of report.replayed) out(`  ${message.webhook_id}  blob ${message.blob_id}`);
  if (report.notResent.length > 0) {
    out(`Moved back but not resent (already delivered, or unknown): ${report.notResent.length}`);
    for (const message of report.notResent) out(`  ${message.webhook_id}  blob ${message.blob_id}`);
  }
  if (report.unreadable.length > 0) out(`Left in the DLQ (not delivery messages): ${report.unreadable.length}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`redrive: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
