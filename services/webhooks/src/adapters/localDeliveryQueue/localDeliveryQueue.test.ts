import { describe, expect, it } from '@jest/globals';
import { LocalQueues, openDatabase } from '@imgrec/shared/local';
import { buildLocalDeadLetterQueue, buildLocalDeliveryQueue } from './localDeliveryQueue.js';

const setup = () => {
  let now = 1_000_000;
  const queues = new LocalQueues(openDatabase(':memory:'), [], () => now);
  return {
    queues,
    queue: buildLocalDeliveryQueue(queues),
    dlq: buildLocalDeadLetterQueue(queues),
    advance: (seconds: number) => (now += seconds * 1000),
  };
};

describe('buildLocalDeliveryQueue', () => {
  it('sends delivery messages to webhooks.DeliveryQueue', async () => {
    const { queues, queue } = setup();
    await queue.send({ blob_id: 'b1', webhook_id: 'msg_1' });
    expect(queues.peek('webhooks.DeliveryQueue').map((message) => JSON.parse(message.body))).toEqual([
      { blob_id: 'b1', webhook_id: 'msg_1' },
    ]);
  });

  it('hides a received message for the retry delay', async () => {
    const { queues, queue, advance } = setup();
    await queue.send({ blob_id: 'b1', webhook_id: 'msg_1' });
    const [received] = queues.receive('webhooks.DeliveryQueue', 1);
    await queue.retryLater(received?.receiptHandle ?? '', 5);
    advance(4);
    expect(queues.receive('webhooks.DeliveryQueue', 1)).toEqual([]);
    advance(1);
    expect(queues.receive('webhooks.DeliveryQueue', 1)).toHaveLength(1);
  });

  it('moves a received message to the DLQ, from which the redrive side lists and moves it back', async () => {
    const { queues, queue, dlq } = setup();
    await queue.send({ blob_id: 'b1', webhook_id: 'msg_1' });
    await queue.send({ blob_id: 'b2', webhook_id: 'msg_2' });
    for (const message of queues.receive('webhooks.DeliveryQueue', 2)) await queue.deadLetter(message);
    expect(queues.peek('webhooks.DeliveryQueue')).toEqual([]);
    expect(await dlq.list()).toHaveLength(2);

    expect(await dlq.moveBack((body) => body.includes('"b2"'))).toEqual(['{"blob_id":"b2","webhook_id":"msg_2"}']);
    expect(queues.receive('webhooks.DeliveryQueue', 10).map((message) => message.body)).toEqual([
      '{"blob_id":"b2","webhook_id":"msg_2"}',
    ]);
    expect(await dlq.list()).toEqual(['{"blob_id":"b1","webhook_id":"msg_1"}']);
  });

  it('deletes the DLQ messages a delete picks, even one a redrive has just received', async () => {
    const { queues, queue, dlq } = setup();
    await queue.send({ blob_id: 'b1', webhook_id: 'msg_1' });
    await queue.send({ blob_id: 'b2', webhook_id: 'msg_2' });
    for (const message of queues.receive('webhooks.DeliveryQueue', 2)) await queue.deadLetter(message);
    queues.receive('webhooks.DeliveryDLQ', 1);

    expect(await dlq.deleteWhere((body) => body.includes('"b1"'))).toBe(1);
    expect(await dlq.list()).toEqual(['{"blob_id":"b2","webhook_id":"msg_2"}']);
  });
});
