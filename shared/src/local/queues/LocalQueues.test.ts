import { beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../sqlite/openDatabase.js';
import { LocalQueues, StaleReceiptError } from './LocalQueues.js';

describe('LocalQueues', () => {
  let clock: number;
  let queues: LocalQueues;

  beforeEach(() => {
    clock = 1_000_000;
    queues = new LocalQueues(
      openDatabase(':memory:'),
      [
        { name: 'work', visibilityTimeoutSeconds: 30, deadLetter: { queue: 'work-dlq', maxReceiveCount: 2 } },
        { name: 'work-dlq', visibilityTimeoutSeconds: 30 },
      ],
      () => clock,
    );
  });

  it('hides a received message for the visibility timeout, then delivers it again', () => {
    queues.send('work', 'job');
    const [first] = queues.receive('work', 10);
    expect(first).toMatchObject({ body: 'job', receiveCount: 1 });
    expect(queues.receive('work', 10)).toEqual([]);
    clock += 30_000;
    expect(queues.receive('work', 10)).toMatchObject([{ body: 'job', receiveCount: 2 }]);
  });

  it('forgets a deleted message', () => {
    queues.send('work', 'job');
    const [message] = queues.receive('work', 1);
    queues.delete('work', message?.receiptHandle ?? '');
    clock += 60_000;
    expect(queues.receive('work', 10)).toEqual([]);
  });

  it('does not deliver a delayed message early', () => {
    queues.send('work', 'later', { delaySeconds: 5 });
    expect(queues.receive('work', 1)).toEqual([]);
    clock += 5_000;
    expect(queues.receive('work', 1)).toHaveLength(1);
  });

  it('moves a message past maxReceiveCount to the dead-letter queue instead of delivering it', () => {
    queues.send('work', 'poison');
    queues.receive('work', 1);
    clock += 30_000;
    queues.receive('work', 1);
    clock += 30_000;
    expect(queues.receive('work', 1)).toEqual([]);
    expect(queues.peek('work-dlq').map((message) => message.body)).toEqual(['poison']);
  });

  it('changes visibility for a consumer-chosen backoff and rejects stale receipts', () => {
    queues.send('work', 'retry me');
    const [message] = queues.receive('work', 1);
    queues.changeVisibility('work', message?.receiptHandle ?? '', 300);
    clock += 299_000;
    expect(queues.receive('work', 1)).toEqual([]);
    clock += 1_000;
    expect(queues.receive('work', 1)).toHaveLength(1);
    expect(() => queues.changeVisibility('work', message?.receiptHandle ?? '', 1)).toThrow(StaleReceiptError);
  });

  it('redrives dead letters with a fresh receive count, optionally filtered', () => {
    queues.send('work-dlq', 'a');
    queues.send('work-dlq', 'b');
    expect(queues.redrive('work-dlq', 'work', (body) => body === 'b')).toEqual(['b']);
    expect(queues.receive('work', 10)).toMatchObject([{ body: 'b', receiveCount: 1 }]);
    expect(queues.peek('work-dlq').map((message) => message.body)).toEqual(['a']);
  });

  it('releases in-flight messages after a crash but keeps deliberate delays', () => {
    queues.send('work', 'was running');
    queues.send('work', 'backing off');
    const received = queues.receive('work', 2);
    const backingOff = received.find((message) => message.body === 'backing off');
    queues.changeVisibility('work', backingOff?.receiptHandle ?? '', 600);
    expect(queues.releaseInFlight()).toBe(1);
    expect(queues.receive('work', 10).map((message) => message.body)).toEqual(['was running']);
  });

  it('keeps messages across reopening the database file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'imgrec-queues-')), 'platform.db');
    new LocalQueues(openDatabase(file)).send('work', 'durable');
    expect(new LocalQueues(openDatabase(file)).receive('work', 1).map((message) => message.body)).toEqual(['durable']);
  });

  it('tells listeners when a message is available now', () => {
    const seen: string[] = [];
    queues.onAvailable((queue) => seen.push(queue));
    queues.send('work', 'now');
    queues.send('work', 'later', { delaySeconds: 10 });
    expect(seen).toEqual(['work']);
  });

  it('receives only the requested messages when ids are given', () => {
    const [, second] = queues.sendBatch('work', ['one', 'two']);
    expect(queues.receive('work', 10, { messageIds: [second ?? ''] }).map((message) => message.body)).toEqual(['two']);
  });

  it('deletes the messages a predicate picks, visible or not, and leaves the others', () => {
    queues.send('work-dlq', '{"blob_id":"a"}');
    queues.send('work-dlq', '{"blob_id":"b"}', { delaySeconds: 60 });
    queues.send('work-dlq', '{"blob_id":"a"}', { delaySeconds: 60 });
    expect(queues.deleteWhere('work-dlq', (body) => body.includes('"a"'))).toBe(2);
    expect(queues.peek('work-dlq').map((message) => message.body)).toEqual(['{"blob_id":"b"}']);
  });

  it('sweeps the messages sent before a deadline, as SQS drops those past their retention', () => {
    queues.send('work-dlq', 'old');
    clock += 10_000;
    queues.send('work-dlq', 'new');
    expect(queues.sweep('work-dlq', new Date(clock - 5_000))).toBe(1);
    expect(queues.peek('work-dlq').map((message) => message.body)).toEqual(['new']);
  });
});
