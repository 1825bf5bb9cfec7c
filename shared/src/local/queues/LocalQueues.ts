import type { Database, Statement } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

export interface QueueDefinition {
  name: string;
  visibilityTimeoutSeconds: number;
  deadLetter?: { queue: string; maxReceiveCount: number };
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

interface MessageRow {
  id: string;
  body: string;
  receive_count: number;
  sent_at: number;
}

/** A receipt handle no longer matches the message: it was received again or deleted meanwhile, as in SQS. */
export class StaleReceiptError extends Error {
  constructor(queue: string) {
    super(`receipt handle is no longer valid for a message in ${queue}`);
    this.name = 'StaleReceiptError';
  }
}

/**
 * SQLite-backed queues with SQS semantics: a received message is invisible for the visibility timeout, every
 * receive counts, and a message received more than `maxReceiveCount` times moves to its dead-letter queue instead
 * of being delivered again. All state is in the database, so nothing is lost when the process dies.
 *
 * `in_flight` marks messages received by a consumer that has not answered yet. After a crash no consumer holds
 * them, so `releaseInFlight()` makes them visible at once instead of waiting out the visibility timeout; messages
 * a consumer deliberately delayed with `changeVisibility` keep their delay.
 */
export class LocalQueues {
  private readonly definitions = new Map<string, QueueDefinition>();
  private readonly listeners = new Set<(queue: string) => void>();
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    definitions: readonly QueueDefinition[] = [],
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS queue_messages (
        id TEXT PRIMARY KEY,
        queue TEXT NOT NULL,
        body TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        receipt TEXT,
        in_flight INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS queue_messages_due ON queue_messages (queue, visible_at);
    `);
    for (const definition of definitions) this.define(definition);
  }

  /** Registers or replaces a queue's settings; an undefined queue behaves like SQS defaults (30 s, no DLQ). */
  define(definition: QueueDefinition): void {
    this.definitions.set(definition.name, definition);
  }

  definition(queue: string): QueueDefinition {
    return this.definitions.get(queue) ?? { name: queue, visibilityTimeoutSeconds: 30 };
  }

  /** Called with the queue name whenever a message becomes available now (sent without delay or redriven). */
  onAvailable(listener: (queue: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(queue: string, body: string, options: { delaySeconds?: number } = {}): string {
    return this.sendBatch(queue, [body], options)[0] as string;
  }

  /** Sends several messages to one queue in one transaction: either all of them are queued or none. */
  sendBatch(queue: string, bodies: readonly string[], options: { delaySeconds?: number } = {}): string[] {
    return this.sendToMany(
      bodies.map((body) => ({ queue, body })),
      options,
    );
  }

  /** Sends messages to several queues in one transaction, as a bus fan-out needs: all are queued or none. */
  sendToMany(messages: readonly { queue: string; body: string }[], options: { delaySeconds?: number } = {}): string[] {
    const sentAt = this.now();
    const visibleAt = sentAt + (options.delaySeconds ?? 0) * 1000;
    const insert = this.statement(
      'INSERT INTO queue_messages (id, queue, body, sent_at, visible_at) VALUES (?, ?, ?, ?, ?)',
    );
    const ids = this.db.transaction(() =>
      messages.map(({ queue, body }) => {
        const id = randomUUID();
        insert.run(id, queue, body, sentAt, visibleAt);
        return id;
      }),
    )();
    if (!options.delaySeconds)
      for (const queue of new Set(messages.map((message) => message.queue))) this.notify(queue);
    return ids;
  }

  /**
   * Receives up to `max` visible messages and hides them for the visibility timeout. Messages over their queue's
   * `maxReceiveCount` are moved to the dead-letter queue here, as SQS does, and are not returned.
   */
  receive(queue: string, max: number, options: { messageIds?: readonly string[] } = {}): ReceivedMessage[] {
    const definition = this.definition(queue);
    const now = this.now();
    return this.db.transaction(() => {
      const candidates = options.messageIds
        ? (this.statement(
            `SELECT id, body, receive_count, sent_at FROM queue_messages
               WHERE queue = ? AND visible_at <= ? AND id IN (SELECT value FROM json_each(?)) LIMIT ?`,
          ).all(queue, now, JSON.stringify(options.messageIds), max) as MessageRow[])
        : (this.statement(
            `SELECT id, body, receive_count, sent_at FROM queue_messages
               WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, sent_at LIMIT ?`,
          ).all(queue, now, max) as MessageRow[]);
      const received: ReceivedMessage[] = [];
      for (const row of candidates) {
        if (definition.deadLetter && row.receive_count >= definition.deadLetter.maxReceiveCount) {
          this.moveTo(row.id, definition.deadLetter.queue);
          continue;
        }
        const receiptHandle = randomUUID();
        this.statement(
          `UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = ?, receipt = ?, in_flight = 1
             WHERE id = ?`,
        ).run(now + definition.visibilityTimeoutSeconds * 1000, receiptHandle, row.id);
        received.push({
          messageId: row.id,
          receiptHandle,
          body: row.body,
          receiveCount: row.receive_count + 1,
          sentAt: row.sent_at,
        });
      }
      return received;
    })();
  }

  /** Deletes a received message. A stale receipt (the message was received again since) is ignored, as in SQS. */
  delete(queue: string, receiptHandle: string): void {
    this.statement('DELETE FROM queue_messages WHERE queue = ? AND receipt = ?').run(queue, receiptHandle);
  }

  /**
   * Sets when a received message becomes visible again, counted from now; 0 makes it visible at once.
   * @throws StaleReceiptError when the receipt no longer matches the message.
   */
  changeVisibility(queue: string, receiptHandle: string, seconds: number): void {
    const result = this.statement(
      'UPDATE queue_messages SET visible_at = ?, in_flight = 0 WHERE queue = ? AND receipt = ?',
    ).run(this.now() + seconds * 1000, queue, receiptHandle);
    if (result.changes === 0) throw new StaleReceiptError(queue);
    if (seconds === 0) this.notify(queue);
  }

  /** Moves a received message straight to another queue (a consumer's own dead-lettering). */
  moveReceived(queue: string, receiptHandle: string, toQueue: string): void {
    const row = this.statement('SELECT id FROM queue_messages WHERE queue = ? AND receipt = ?').get(
      queue,
      receiptHandle,
    ) as { id: string } | undefined;
    if (!row) throw new StaleReceiptError(queue);
    this.moveTo(row.id, toQueue);
  }

  /**
   * Moves messages from a dead-letter queue back to a source queue, visible now and with a fresh receive count, the
   * way SQS's redrive does. Returns the bodies moved.
   */
  redrive(deadLetterQueue: string, toQueue: string, filter: (body: string) => boolean = () => true): string[] {
    const moved = this.db.transaction(() => {
      const rows = this.statement('SELECT id, body FROM queue_messages WHERE queue = ? ORDER BY sent_at').all(
        deadLetterQueue,
      ) as { id: string; body: string }[];
      return rows.filter((row) => filter(row.body)).map((row) => (this.moveTo(row.id, toQueue), row.body));
    })();
    if (moved.length > 0) this.notify(toQueue);
    return moved;
  }

  /**
   * Deletes the messages of a queue that `select` picks, visible or not (a DLQ's entries for a deleted blob, say).
   * Returns how many it deleted.
   */
  deleteWhere(queue: string, select: (body: string) => boolean): number {
    return this.db.transaction(() => {
      const rows = this.statement('SELECT id, body FROM queue_messages WHERE queue = ?').all(queue) as {
        id: string;
        body: string;
      }[];
      const doomed = rows.filter((row) => select(row.body));
      for (const row of doomed) this.statement('DELETE FROM queue_messages WHERE id = ?').run(row.id);
      return doomed.length;
    })();
  }

  /**
   * Deletes the messages of a queue sent before `sentBefore`, as SQS drops messages past their retention period.
   * Returns how many it deleted.
   */
  sweep(queue: string, sentBefore: Date): number {
    return this.statement('DELETE FROM queue_messages WHERE queue = ? AND sent_at < ?').run(queue, sentBefore.getTime())
      .changes;
  }

  /** The messages of a queue, visible or not, oldest first. */
  peek(queue: string): { messageId: string; body: string; receiveCount: number; visibleAt: number }[] {
    return (
      this.statement(
        'SELECT id, body, receive_count, visible_at FROM queue_messages WHERE queue = ? ORDER BY sent_at',
      ).all(queue) as { id: string; body: string; receive_count: number; visible_at: number }[]
    ).map((row) => ({ messageId: row.id, body: row.body, receiveCount: row.receive_count, visibleAt: row.visible_at }));
  }

  /** When the next message of a queue becomes visible, or undefined when the queue is empty. */
  nextVisibleAt(queue: string): number | undefined {
    const row = this.statement('SELECT MIN(visible_at) AS at FROM queue_messages WHERE queue = ?').get(queue) as {
      at: number | null;
    };
    return row.at ?? undefined;
  }

  /** After a restart no consumer holds the in-flight messages: make them visible now. Returns how many. */
  releaseInFlight(): number {
    return this.statement(
      'UPDATE queue_messages SET visible_at = ?, in_flight = 0, receipt = NULL WHERE in_flight = 1',
    ).run(this.now()).changes;
  }

  /** Every poll and send runs these statements; preparing them once keeps SQL parsing off the hot path. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private moveTo(id: string, queue: string): void {
    this.statement(
      `UPDATE queue_messages SET queue = ?, visible_at = ?, receive_count = 0, receipt = NULL, in_flight = 0
         WHERE id = ?`,
    ).run(queue, this.now(), id);
  }

  private notify(queue: string): void {
    for (const listener of this.listeners) listener(queue);
  }
}
