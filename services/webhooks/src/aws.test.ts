import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildLogger, parseWebhookSecrets } from '@imgrec/shared';
import {
  EMULATOR_CLIENT_CONFIG,
  startDynamoEmulator,
  type DynamoEmulator,
  createHashKeyTable,
} from '@imgrec/shared/aws/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { buildDynamoDeliveryStore } from './adapters/dynamoDeliveryStore/dynamoDeliveryStore.js';
import { awsTenantSecretStore, createTenantSecret, redriveAwsDeliveries, rotateTenantSecret } from './aws.js';

const TABLE = 'DeliveriesTable';
const env = {
  IMGREC_DELIVERIES_TABLE: TABLE,
  IMGREC_DELIVERY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/DeliveryQueue',
  IMGREC_DELIVERY_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/DeliveryDLQ',
};
const BODY = '{"blob_id":"blob_1","webhook_id":"msg_blob_1","tenant_id":"tenant_a"}';
const T0 = new Date('2026-11-27T12:00:00.000Z');

describe('redriveAwsDeliveries', () => {
  let emulator: DynamoEmulator;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    // The SDK settings the command takes from its environment, as an operator's shell would have them.
    jest.replaceProperty(process, 'env', {
      ...process.env,
      AWS_REGION: EMULATOR_CLIENT_CONFIG.region,
      AWS_ACCESS_KEY_ID: EMULATOR_CLIENT_CONFIG.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CLIENT_CONFIG.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: emulator.endpoint,
    });
    documents = emulator.newDocumentClient();
    await createHashKeyTable(documents, TABLE, 'blob_id');
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await emulator.stop();
  });

  it('resets a dead-lettered delivery in DynamoDB and moves its message from the DLQ to the delivery queue', async () => {
    const store = buildDynamoDeliveryStore(documents, { tableName: TABLE });
    await store.create({
      blobId: 'blob_1',
      tenantId: 'tenant_a',
      webhookId: 'msg_blob_1',
      url: 'https://hooks.example.com/',
      eventType: 'blob.labels_detected',
      payload: '{}',
      now: T0,
    });
    await store.claim('blob_1', { messageId: 'm1', now: T0 });
    await store.recordAttempt(
      'blob_1',
      1,
      { result: 'failed', statusCode: 500, error: 'HTTP 500', deadLetter: true },
      T0,
    );
    await store.markOutcomePublished('blob_1');

    const sqs = mockClient(SQSClient);
    const dlqMessage = { MessageId: 'dead-1', ReceiptHandle: 'receipt-1', Body: BODY };
    // One pass to list the DLQ, one to move the message.
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [dlqMessage] })
      .resolvesOnce({})
      .resolvesOnce({ Messages: [dlqMessage] })
      .resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'sent-1' });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    try {
      const report = await redriveAwsDeliveries({}, buildLogger({}, { write: () => undefined }), env);

      expect(report).toEqual({
        replayed: [{ blob_id: 'blob_1', webhook_id: 'msg_blob_1', tenant_id: 'tenant_a' }],
        notResent: [],
        unreadable: [],
      });
      expect(await store.get('blob_1')).toMatchObject({
        status: 'pending',
        attempts: 1,
        cycleAttempts: 0,
        ownerMessageId: undefined,
        deadLetter: false,
        outcomePublished: false,
      });
      expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
        { QueueUrl: env.IMGREC_DELIVERY_QUEUE_URL, MessageBody: BODY },
      ]);
      expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
        { QueueUrl: env.IMGREC_DELIVERY_DLQ_URL, ReceiptHandle: 'receipt-1' },
      ]);
    } finally {
      sqs.restore();
    }
  });

  it('names a missing setting', async () => {
    await expect(redriveAwsDeliveries({}, buildLogger({}, { write: () => undefined }), {})).rejects.toThrow(
      'IMGREC_DELIVERIES_TABLE',
    );
  });
});

describe('awsTenantSecretStore', () => {
  const SECRETS_TABLE = 'WebhookSecretsTable';
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  let emulator: DynamoEmulator;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    await createHashKeyTable(emulator.newDocumentClient(), SECRETS_TABLE, 'tenant_id');
  });

  afterAll(async () => {
    await emulator.stop();
  });

  /**
   * KMS as far as the store can tell: a ciphertext names its key and context, and decrypts only with both. It holds
   * the plaintext in a recognisable wrapping, which is all a test of the wiring needs.
   */
  const fakeKms = () => {
    const kms = mockClient(KMSClient);
    kms.on(EncryptCommand).callsFake(({ KeyId, Plaintext, EncryptionContext }) => ({
      KeyId,
      CiphertextBlob: Buffer.from(
        JSON.stringify({ KeyId, EncryptionContext, Plaintext: Buffer.from(Plaintext).toString('hex') }),
      ),
    }));
    kms.on(DecryptCommand).callsFake(({ KeyId, CiphertextBlob, EncryptionContext }) => {
      const sealed = JSON.parse(Buffer.from(CiphertextBlob).toString('utf8'));
      if (sealed.KeyId !== KeyId || JSON.stringify(sealed.EncryptionContext) !== JSON.stringify(EncryptionContext)) {
        throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
      }
      return { KeyId, Plaintext: Buffer.from(sealed.Plaintext, 'hex') };
    });
    return kms;
  };

  it('creates and rotates a tenant’s secrets in DynamoDB, encrypted by KMS for that tenant', async () => {
    const kms = fakeKms();
    const documents = emulator.newDocumentClient();
    const store = awsTenantSecretStore({ tableName: SECRETS_TABLE, keyId: KEY_ARN, dynamo: documents });
    try {
      const { webhook_secret: first } = await createTenantSecret(store, 'tenant_a');
      const { webhook_secret: second } = await rotateTenantSecret(store, 'tenant_a', { overlapHours: 2 });
      expect(parseWebhookSecrets([first, second])).toHaveLength(2);
      expect((await store.list('tenant_a')).map((secret) => secret.secret)).toEqual([second, first]);

      expect(
        kms.commandCalls(EncryptCommand).map((call) => ({
          KeyId: call.args[0].input.KeyId,
          EncryptionContext: call.args[0].input.EncryptionContext,
        })),
      ).toEqual([
        { KeyId: KEY_ARN, EncryptionContext: { tenant_id: 'tenant_a' } },
        { KeyId: KEY_ARN, EncryptionContext: { tenant_id: 'tenant_a' } },
      ]);
      const { Item } = await documents.send(
        new GetCommand({ TableName: SECRETS_TABLE, Key: { tenant_id: 'tenant_a' } }),
      );
      expect(Item).toMatchObject({ tenant_id: 'tenant_a', version: 2 });
    } finally {
      store.close();
      kms.restore();
    }
  });
});
