import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../logging/logger.js';
import { LocalQueues, type ReceivedMessage } from '../queues/LocalQueues.js';
import { openDatabase } from '../sqlite/openDatabase.js';
import { QueueConsumer, type BatchProcessor } from './QueueConsumer.js';

const quiet = createLogger('test', { level: 'error' });
const until = async (condition: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((wait) => setTimeout(wait, 5));
  }
};

describe('QueueConsumer', () => {
  const consumers: QueueConsumer[] = [];
  afterEach(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    consumers.length = 0;
  });

  const consume = (
    queues: LocalQueues,
    process: BatchProcessor,
    options: Partial<ConstructorParameters<typeof QueueConsumer>[2]> = {},
  ) => {
    const consumer = new QueueConsumer(
      queues,
      process,
      { queue: 'work', name: 'test', batchSize: 1, concurrency: 1, pollIntervalMs: 20, ...options },
      quiet,
    );
    consumers.push(consumer);
    consumer.start();
    return consumer;
  };

  it('deletes what was processed and keeps what failed for a retry', async () => {
    const queues = new LocalQueues(openDatabase(':memory:'), [{ name: 'work', visibilityTimeoutSeconds: 0 }]);
    const seen: string[] = [];
    consume(
      queues,
      async (batch) => {
        seen.push(...batch.map((message) => `${message.body}#${message.receiveCount}`));
        return {
          failedReceipts: batch.filter((m) => m.body === 'flaky' && m.receiveCount < 2).map((m) => m.receiptHandle),
        };
      },
      { batchSize: 10 },
    );
    queues.sendBatch('work', ['steady', 'flaky']);
    await until(() => queues.peek('work').length === 0);
    expect(seen).toEqual(expect.arrayContaining(['steady#1', 'flaky#1', 'flaky#2']));
    expect(seen).toHaveLength(3);
  });

  it('treats a thrown batch as failed and backs off with the chosen delay', async () => {
    const queues = new LocalQueues(openDatabase(':memory:'));
    let calls = 0;
    consume(
      queues,
      async () => {
        calls += 1;
        throw new Error('boom');
      },
      { retryDelaySeconds: () => 3600 },
    );
    queues.send('work', 'job');
    await until(() => calls === 1);
    await new Promise((wait) => setTimeout(wait, 100));
    expect(calls).toBe(1);
    expect(queues.peek('work')[0]?.visibleAt).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('keeps to its concurrency', async () => {
    const queues = new LocalQueues(openDatabase(':memory:'));
    let running = 0;
    let peak = 0;
    consume(
      queues,
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((wait) => setTimeout(wait, 20));
        running -= 1;
        return { failedReceipts: [] };
      },
      { concurrency: 2 },
    );
    queues.sendBatch('work', ['a', 'b', 'c', 'd', 'e']);
    await until(() => queues.peek('work').length === 0);
    expect(peak).toBe(2);
  });

  it('delivers chosen messages at once and resolves when they are handled', async () => {
    const queues = new LocalQueues(openDatabase(':memory:'));
    const handled: ReceivedMessage[] = [];
    // No polling capacity: only deliverNow can hand the message over.
    const consumer = consume(
      queues,
      async (batch) => {
        await new Promise((wait) => setTimeout(wait, 10));
        handled.push(...batch);
        return { failedReceipts: [] };
      },
      { concurrency: 0 },
    );
    const [id] = queues.sendBatch('work', ['now']);
    await consumer.deliverNow([id ?? '', 'an id of another queue'], 2000);
    expect(handled.map((message) => message.body)).toEqual(['now']);
  });
});
