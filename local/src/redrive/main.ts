import { createLogger, runtimeMode } from '@imgrec/shared';
import { localPlatform } from '@imgrec/shared/local';
import { awsDeliveryResourcesFromEnv, redriveAwsDeliveries } from '@imgrec/webhooks/redriveAws';
import { LOCAL_DELIVERY_QUEUES, redriveLocalDeliveries, type RedriveReport } from '@imgrec/webhooks/redriveLocal';
import { parseArgs } from 'node:util';
import { bindOptionValues } from './bindOptionValues/bindOptionValues.js';

const USAGE = `Usage: npm run redrive -- [--blob <blob_id>] [--tenant <tenant_id>]

Moves failed callbacks from the webhooks DLQ back to the delivery queue, all of them, one blob's or one tenant's
(both options together: that blob's, if it is that tenant's), and prints what it replayed. Each replayed callback
keeps its webhook-id and starts the retry schedule again.

Local mode (the default): the DLQ of the local data dir (IMGREC_DATA_DIR, default .imgrec). Safe while \`npm start\`
runs.
Aws mode (IMGREC_MODE=aws): the deployed stage named by IMGREC_DELIVERIES_TABLE, IMGREC_DELIVERY_QUEUE_URL and
IMGREC_DELIVERY_DLQ_URL (the webhooks stack's outputs), with your AWS credentials and region.
`;

const out = (text: string) => process.stdout.write(`${text}\n`);

/** The deployed stage's queues, named as deliverCallback reads them. */
const awsQueues = () => {
  const resources = awsDeliveryResourcesFromEnv();
  return { queue: resources.deliveryQueueUrl, deadLetterQueue: resources.deliveryDlqUrl };
};

const describeMessage = (message: RedriveReport['replayed'][number]) =>
  [
    `  ${message.webhook_id}`,
    `blob ${message.blob_id}`,
    ...(message.tenant_id ? [`tenant ${message.tenant_id}`] : []),
  ].join('  ');

const main = async () => {
  const { values } = parseArgs({
    args: bindOptionValues(process.argv.slice(2), ['--blob', '--tenant']),
    options: { blob: { type: 'string' }, tenant: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out(USAGE);
    return;
  }
  // Warnings and errors only, which Powertools writes to stderr: stdout carries only the report.
  const log = createLogger('redrive', { level: 'warn' });
  const options = {
    ...(values.blob !== undefined && { blobId: values.blob }),
    ...(values.tenant !== undefined && { tenantId: values.tenant }),
  };
  const aws = runtimeMode() === 'aws';
  const report = aws
    ? await redriveAwsDeliveries(options, log)
    : await redriveLocalDeliveries(localPlatform(), options, log);
  const { queue, deadLetterQueue } = aws ? awsQueues() : LOCAL_DELIVERY_QUEUES;

  const scope = [
    values.blob === undefined ? '' : ` for blob ${values.blob}`,
    values.tenant === undefined ? '' : ` of tenant ${values.tenant}`,
  ].join('');
  if (report.replayed.length === 0) out(`Nothing to replay${scope} in ${deadLetterQueue}.`);
  else out(`Replayed ${report.replayed.length} callback(s)${scope} to ${queue}:`);
  for (const message of report.replayed) out(describeMessage(message));
  if (report.notResent.length > 0) {
    out(`Moved back but not resent (already delivered, or unknown): ${report.notResent.length}`);
    for (const message of report.notResent) out(describeMessage(message));
  }
  if (report.unreadable.length > 0) out(`Left in the DLQ (not delivery messages): ${report.unreadable.length}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`redrive: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
