import { CreateTableCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** Creates a table keyed like AccountsTable in services/accounts/serverless.yml (pk and sk, both strings). */
export const createAccountsTable = async (client: DynamoDBDocumentClient, tableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
};

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Whether an item passes one of the two conditions the accounts store puts on transaction items. */
const passes = (condition: string | undefined, existing: Record<string, unknown> | undefined): boolean => {
  switch (condition) {
    case undefined:
      return true;
    case 'attribute_exists(pk)':
      return existing !== undefined;
    case 'attribute_not_exists(pk)':
      return existing === undefined;
    default:
      throw new Error(`the TransactWriteItems emulation does not evaluate ${condition}`);
  }
};

/**
 * dynalite has no TransactWriteItems, so this middleware carries the call out on the emulator the way DynamoDB
 * does for the transactions of the accounts store: ConditionCheck and Put items on a pk/sk table, conditioned on
 * `attribute_exists(pk)` or `attribute_not_exists(pk)`. Every condition is checked before anything is written; a
 * failed one cancels the whole transaction with TransactionCanceledException and its per-item reasons, and two
 * items on one key are refused, as DynamoDB refuses them. Anything else throws, so that a test cannot pass on an
 * emulation that does not hold. Not atomic against concurrent writers: tests write one thing at a time.
 */
export const emulateTransactWriteItems = (client: DynamoDBDocumentClient): void => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      const items = (args.input as TransactWriteCommandInput).TransactItems ?? [];
      const operations = items.map((item: TransactItem) => {
        const { ConditionCheck: check, Put: put } = item;
        if (check?.Key) {
          return { TableName: check.TableName, Key: check.Key, ConditionExpression: check.ConditionExpression };
        }
        if (put?.Item) {
          const { TableName, Item, ConditionExpression } = put;
          return { TableName, Key: { pk: Item.pk, sk: Item.sk }, ConditionExpression, put: Item };
        }
        throw new Error(`the TransactWriteItems emulation does not carry out ${Object.keys(item).join(', ')}`);
      });
      const keys = operations.map(({ TableName, Key }) => JSON.stringify([TableName, Key.pk, Key.sk]));
      if (new Set(keys).size !== keys.length) {
        throw new Error('Transaction request cannot include multiple operations on one item');
      }
      const outcomes = await Promise.all(
        operations.map(async ({ TableName, Key, ConditionExpression }) => {
          const { Item } = await client.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
          return passes(ConditionExpression, Item);
        }),
      );
      if (outcomes.includes(false)) {
        const reasons = outcomes.map((ok) => (ok ? 'None' : 'ConditionalCheckFailed'));
        throw new TransactionCanceledException({
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(', ')}]`,
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: reasons.map((Code) =>
            Code === 'None' ? { Code } : { Code, Message: 'The conditional request failed' },
          ),
        });
      }
      for (const { TableName, put } of operations) {
        if (put) await client.send(new PutCommand({ TableName, Item: put }));
      }
      return { output: { $metadata: { httpStatusCode: 200 } } as never, response: undefined };
    },
    { step: 'initialize', name: 'emulateTransactWriteItems' },
  );
};
