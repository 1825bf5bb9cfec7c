import { describe, expect, it } from '@jest/globals';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DELETE_PASS,
  MAX_VISIBILITY_DELAY_SECONDS,
  buildSqsDeadLetterQueue,
  buildSqsDeliveryQueue,
} from './sqsDeliveryQueue.js';

const config = {
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/imgrec-webhooks-dev-DeliveryQueue-AbC123',
  deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/imgrec-webhooks-dev-DeliveryDLQ-DeF456',
};

const mockedSqs = () => {
  const client = new SQSClient({ region: 'eu-west-1' });
  const sqs = mockClient(client);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sent' });
  return { client, sqs };
};

/** A DLQ message as ReceiveMessage returns it. */
const dead = (blobId: string, sentTimestamp: number): Message => ({
  MessageId: `id-${blobId}`,
  ReceiptHandle: `receipt-${blobId}`,
  Body: JSON.stringify({ blob_id: blobId, webhook_id: `msg_${blobId}` }),
  Attributes: { SentTimestamp: String(sentTimestamp) },
});

const inputs = <T extends object>(calls: { args: [{ input: T }] }[]) => calls.map((call) => call.args[0].input);

describe('buildSqsDeliveryQueue', () => {
  it('sends a delivery message to the delivery queue', async () => {
    const { client, sqs } = mockedSqs();
    await buildSqsDeliveryQueue(client, config).send({ blob_id: 'b1', webhook_id: 'msg_b1' });
    expect(inputs(sqs.commandCalls(SendMessageCommand))).toEqual([
      { QueueUrl: config.queueUrl, MessageBody: '{"blob_id":"b1","webhook_id":"msg_b1"}' },
    ]);
  });

  it('hides a received message until its retry, within what SQS accepts', async () => {
    const { client, sqs } = mockedSqs();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const queue = buildSqsDeliveryQueue(client, config);
    await queue.retryLater('receipt-1', 39_600);
    await queue.retryLater('receipt-2', 43_200);
    expect(inputs(sqs.commandCalls(ChangeMessageVisibilityCommand))).toEqual([
      { QueueUrl: config.queueUrl, ReceiptHandle: 'receipt-1', VisibilityTimeout: 39_600 },
      { QueueUrl: config.queueUrl, ReceiptHandle: 'receipt-2', VisibilityTimeout: MAX_VISIBILITY_DELAY_SECONDS },
    ]);
    expect(MAX_VISIBILITY_DELAY_SECONDS).toBeLessThan(43_200);
  });

  it('copies a dead-lettered message to the DLQ as it is', async () => {
    const { client, sqs } = mockedSqs();
    await buildSqsDeliveryQueue(client, config).deadLetter({
      messageId: 'm1',
      receiptHandle: 'receipt-1',
      body: '{"blob_id":"b1","webhook_id":"msg_b1"}',
    });
    expect(inputs(sqs.commandCalls(SendMessageCommand))).toEqual([
      { QueueUrl: config.deadLetterQueueUrl, MessageBody: '{"blob_id":"b1","webhook_id":"msg_b1"}' },
    ]);
  });
});

describe('buildSqsDeadLetterQueue', () => {
  const withDlq = (...receives: Message[][]) => {
    const { client, sqs } = mockedSqs();
    const receive = sqs.on(ReceiveMessageCommand);
    for (const messages of receives) receive.resolvesOnce({ Messages: messages });
    receive.resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    return { sqs, dlq: buildSqsDeadLetterQueue(client, config) };
  };

  it('lists every message, oldest first, and makes them visible again', async () => {
    const { sqs, dlq } = withDlq([dead('b2', 2000), dead('b1', 1000)], [dead('b3', 3000)]);
    expect((await dlq.list()).map((body) => JSON.parse(body).blob_id)).toEqual(['b1', 'b2', 'b3']);

    expect(inputs(sqs.commandCalls(ReceiveMessageCommand))[0]).toMatchObject({
      QueueUrl: config.deadLetterQueueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
    });
    expect(inputs(sqs.commandCalls(ChangeMessageVisibilityBatchCommand))).toEqual([
      {
        QueueUrl: config.deadLetterQueueUrl,
        Entries: ['b1', 'b2', 'b3'].map((blobId, index) => ({
          Id: String(index),
          ReceiptHandle: `receipt-${blobId}`,
          VisibilityTimeout: 0,
        })),
      },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toEqual([]);
  });

  it('stops when a receive brings back only messages it has seen', async () => {
    const { sqs, dlq } = withDlq([dead('b1', 1000)], [dead('b1', 1000)], [dead('b2', 2000)]);
    expect(await dlq.list()).toHaveLength(1);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
  });

  it('moves the selected messages to the delivery queue before deleting them, and gives back the others', async () => {
    const { sqs, dlq } = withDlq([dead('b1', 1000), dead('b2', 2000)]);
    const moved = await dlq.moveBack((body) => JSON.parse(body).blob_id === 'b2');

    expect(moved).toEqual([dead('b2', 2000).Body]);
    expect(inputs(sqs.commandCalls(SendMessageCommand))).toEqual([
      { QueueUrl: config.queueUrl, MessageBody: dead('b2', 2000).Body },
    ]);
    expect(inputs(sqs.commandCalls(DeleteMessageCommand))).toEqual([
      { QueueUrl: config.deadLetterQueueUrl, ReceiptHandle: 'receipt-b2' },
    ]);
    expect(sqs.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'ReceiveMessageCommand',
      'ReceiveMessageCommand',
      'SendMessageCommand',
      'DeleteMessageCommand',
      'ChangeMessageVisibilityBatchCommand',
    ]);
    expect(inputs(sqs.commandCalls(ChangeMessageVisibilityBatchCommand))).toEqual([
      {
        QueueUrl: config.deadLetterQueueUrl,
        Entries: [{ Id: '0', ReceiptHandle: 'receipt-b1', VisibilityTimeout: 0 }],
      },
    ]);
  });

  it("deletes a blob's messages, sends nothing anywhere, and gives back the others", async () => {
    const { sqs, dlq } = withDlq([dead('b1', 1000), dead('b2', 2000)], [dead('b2-copy', 3000)]);
    const deleted = await dlq.deleteWhere((body) => JSON.parse(body).blob_id.startsWith('b2'));

    expect(deleted).toBe(2);
    expect(inputs(sqs.commandCalls(ReceiveMessageCommand))[0]).toMatchObject({
      QueueUrl: config.deadLetterQueueUrl,
      VisibilityTimeout: DELETE_PASS.visibilitySeconds,
    });
    expect(inputs(sqs.commandCalls(DeleteMessageCommand))).toEqual([
      { QueueUrl: config.deadLetterQueueUrl, ReceiptHandle: 'receipt-b2' },
      { QueueUrl: config.deadLetterQueueUrl, ReceiptHandle: 'receipt-b2-copy' },
    ]);
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
    expect(inputs(sqs.commandCalls(ChangeMessageVisibilityBatchCommand))).toEqual([
      {
        QueueUrl: config.deadLetterQueueUrl,
        Entries: [{ Id: '0', ReceiptHandle: 'receipt-b1', VisibilityTimeout: 0 }],
      },
    ]);
  });

  it('stops a delete pass after a bounded number of receives, however long the DLQ', async () => {
    const endless = Array.from({ length: DELETE_PASS.maxReceives + 5 }, (_, index) => [dead(`b${index}`, index)]);
    const { sqs, dlq } = withDlq(...endless);

    expect(await dlq.deleteWhere(() => true)).toBe(DELETE_PASS.maxReceives);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(DELETE_PASS.maxReceives);
  });
});
