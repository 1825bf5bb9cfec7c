import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsAccountsStore } from '@imgrec/accounts/adminAws';
import { awsTenantSecretStore } from '@imgrec/webhooks/adminAws';
import type { AdminBackend } from '../runAdminCommand/runAdminCommand.js';

/** A stage name as the stacks are named with it: what `serverless deploy --stage` accepts. */
const STAGE_PATTERN = /^[a-zA-Z0-9-]{1,32}$/;

/**
 * The region the AWS CLI would use: `--region`, then AWS_REGION, then AWS_DEFAULT_REGION (which the SDK alone does
 * not read), and otherwise undefined, which lets the SDK take the profile's region.
 */
export const resolveAdminRegion = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env) =>
  flag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;

/**
 * The outputs of a deployed stack, by key.
 * @throws Error naming the stack and the region when it does not exist there.
 */
export const stackOutputs = async (
  client: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> => {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).flatMap((output) =>
        output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [],
      ),
    );
  } catch (error) {
    const region = await client.config.region();
    if (error instanceof Error && /does not exist/.test(error.message)) {
      throw new Error(`stack ${stackName} does not exist in ${region}: deploy the stage first, or pass --region`, {
        cause: error,
      });
    }
    throw error;
  }
};

const requiredOutput = (outputs: Record<string, string>, stackName: string, key: string): string => {
  const value = outputs[key];
  if (value === undefined) throw new Error(`stack ${stackName} has no output ${key}: deploy this release first`);
  return value;
};

/**
 * The admin commands' stores in aws mode: the tables of a deployed stage, found through its stacks' outputs, with
 * the operator's credentials. Needs cloudformation:DescribeStacks on the two stacks, read and write on the accounts
 * and webhook secrets tables, and kms:Encrypt on the webhook secrets key.
 * @throws Error for a malformed stage name or a stage that is not deployed in the region.
 */
export const awsAdminBackend = async (
  stage: string,
  region: string | undefined,
  cloudFormation = new CloudFormationClient({ region }),
): Promise<AdminBackend> => {
  if (!STAGE_PATTERN.test(stage)) throw new Error(`--stage must be letters, digits and dashes, got "${stage}"`);
  const accountsStack = `imgrec-accounts-${stage}`;
  const webhooksStack = `imgrec-webhooks-${stage}`;
  const [accounts, webhooks] = await Promise.all([
    stackOutputs(cloudFormation, accountsStack),
    stackOutputs(cloudFormation, webhooksStack),
  ]);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
  const accountsStore = awsAccountsStore({
    tableName: requiredOutput(accounts, accountsStack, 'AccountsTableName'),
    client: dynamo,
  });
  const secrets = awsTenantSecretStore({
    tableName: requiredOutput(webhooks, webhooksStack, 'WebhookSecretsTableName'),
    keyId: requiredOutput(webhooks, webhooksStack, 'WebhookSecretsKeyArn'),
    region,
    dynamo,
  });
  return {
    accounts: accountsStore,
    secrets,
    close: () => {
      secrets.close();
      dynamo.destroy();
      cloudFormation.destroy();
    },
  };
};
