import type { Logger } from '../../logging/logger.js';
import type { LocalQueues, ReceivedMessage } from '../queues/LocalQueues.js';

/**
 * What a consumer does with a batch: the receipt handles it could not process. Those stay in the queue and come
 * back after their visibility timeout (or the delay `retryDelaySeconds` picks), until they are dead-lettered.
 */
export type BatchProcessor = (messages: ReceivedMessage[]) => Promise<{ failedReceipts: string[] }>;

export interface QueueConsumerOptions {
  queue: string;
  name: string;
  batchSize: number;
  concurrency: number;
  /** A retry delay chosen by the consumer (async invocations back off); undefined keeps the visibility timeout. */
  retryDelaySeconds?: (receiveCount: number) => number;
  /** How often to look for messages that became visible without a notification (delays, other processes). */
  pollIntervalMs?: number;
}

/**
 * Polls one local queue the way Lambda's event source mapping polls SQS: up to `concurrency` batches in flight,
 * each of up to `batchSize` messages; processed messages are deleted, failed ones are left to be retried.
 */
export class QueueConsumer {
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiters = new Map<string, () => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly queues: LocalQueues,
    private readonly process: BatchProcessor,
    private readonly options: QueueConsumerOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.queues.onAvailable((queue) => {
      if (queue === this.options.queue) this.pump();
    });
    this.pump();
  }

  /** Stops taking new batches and waits for the ones in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Processes the given messages now if the consumer has room, and resolves when each was handled once (or after
   * `timeoutMs`). Used so that a publisher's read model is up to date when its HTTP response leaves.
   */
  async deliverNow(messageIds: readonly string[], timeoutMs: number): Promise<void> {
    if (this.stopped || messageIds.length === 0) return;
    const received = this.queues.receive(this.options.queue, messageIds.length, { messageIds });
    if (received.length === 0) return;
    const handled = received.map(
      (message) => new Promise<void>((resolve) => this.waiters.set(message.messageId, resolve)),
    );
    this.track(this.run(received));
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(handled),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timeout);
    for (const message of received) this.waiters.delete(message.messageId);
  }

  private pump(): void {
    if (this.stopped) return;
    while (this.active < this.options.concurrency) {
      const batch = this.queues.receive(this.options.queue, this.options.batchSize);
      if (batch.length === 0) break;
      this.track(this.run(batch));
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const pollInterval = this.options.pollIntervalMs ?? 1000;
    const next = this.queues.nextVisibleAt(this.options.queue);
    const wait = next === undefined ? pollInterval : Math.min(pollInterval, Math.max(0, next - Date.now()));
    this.timer = setTimeout(() => this.pump(), wait);
    this.timer.unref();
  }

  private track(run: Promise<void>): void {
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      this.pump();
    });
  }

  private async run(batch: ReceivedMessage[]): Promise<void> {
    this.active += 1;
    try {
      let failedReceipts: string[];
      try {
        ({ failedReceipts } = await this.process(batch));
      } catch (error) {
        this.log.warn('invocation failed', { function: this.options.name, queue: this.options.queue, error });
        failedReceipts = batch.map((message) => message.receiptHandle);
      }
      const failed = new Set(failedReceipts);
      for (const message of batch) {
        if (!failed.has(message.receiptHandle)) {
          this.queues.delete(this.options.queue, message.receiptHandle);
        } else if (this.options.retryDelaySeconds) {
          this.retryLater(message);
        }
        this.waiters.get(message.messageId)?.();
      }
    } finally {
      this.active -= 1;
    }
  }

  private retryLater(message: ReceivedMessage): void {
    try {
      this.queues.changeVisibility(
        this.options.queue,
        message.receiptHandle,
        this.options.retryDelaySeconds?.(message.receiveCount) ?? 0,
      );
    } catch {
      // The handler already moved or re-timed the message itself; its choice stands.
    }
  }
}
