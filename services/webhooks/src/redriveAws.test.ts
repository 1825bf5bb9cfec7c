import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError, createLogger } from '@imgrec/shared';
import {
  startDynamoEmulator,
  type DynamoEmulator,
  createHashKeyTable,
  operatorEnvFor,
} from '@imgrec/shared/aws/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { buildDynamoDeliveryStore } from './adapters/dynamoDeliveryStore/dynamoDeliveryStore.js';
import { redriveAwsDeliveries } from './redriveAws.js';

const TABLE = 'DeliveriesTable';
const env = {
  IMGREC_DELIVERIES_TABLE: TABLE,
  IMGREC_DELIVERY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/DeliveryQueue',
  IMGREC_DELIVERY_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/DeliveryDLQ',
};
const BODY = '{"blob_id":"blob_1","webhook_id":"msg_blob_1","tenant_id":"tenant_a"}';
const T0 = new Date('2026-11-27T12:00:00.000Z');
// Errors only: the command's report is what these tests look at.
const log = createLogger('redrive', { level: 'error' });

describe('redriveAwsDeliveries', () => {
  let emulator: DynamoEmulator;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    emulator = await startDynamoEmulator();
    // The SDK settings the command takes from its environment, as an operator's shell would have them.
    jest.replaceProperty(process, 'env', { ...process.env, ...operatorEnvFor(emulator) });
    documents = emulator.newDocumentClient();
    await createHashKeyTable(documents, TABLE, 'blob_id');
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await emulator.stop();
  });

  it('resets a dead-lettered delivery in DynamoDB and moves its message from the DLQ to the delivery queue', async () => {
    const store = buildDynamoDeliveryStore(documents, { tableName: TABLE, recordRetentionDays: 90 });
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
      const report = await redriveAwsDeliveries({}, log, env);

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
    await expect(redriveAwsDeliveries({}, log, {})).rejects.toThrow(
      new ConfigError('Missing required environment variable IMGREC_DELIVERIES_TABLE'),
    );
  });
});
