import type { Context, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../logging/logger.js';
import type { BusRoute } from '../bus/LocalBus/LocalBus.js';
import type { LocalQueues, QueueDefinition, ReceivedMessage } from '../queues/LocalQueues.js';
import type {
  AuthorizerReference,
  FunctionDefinition,
  HttpAuthorizerDefinition,
  ServiceDefinition,
} from '../serverless/loadServiceDefinition.js';
import { lambdaContext } from './lambdaContext.js';
import { QueueConsumer, type BatchProcessor } from './QueueConsumer.js';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A handler module: its handler exports, and optionally `init`, run once at start like Lambda's init phase. */
type HandlerModule = Record<string, unknown> & { init?: () => Promise<void> };

/** The Lambda REQUEST authorizer in front of a route, as API Gateway runs it. */
export interface RouteAuthorizer {
  functionName: string;
  identitySource: readonly string[];
  invoke: (event: unknown) => Promise<unknown>;
}

export interface HttpRoute {
  method: string;
  path: string;
  functionName: string;
  invoke: (event: unknown) => Promise<unknown>;
  authorizer?: RouteAuthorizer;
}

/** Retry delays of an asynchronous invocation (EventBridge → Lambda, S3 → Lambda): quick first, capped at a minute. */
const asyncRetryDelaySeconds = (receiveCount: number): number => Math.min(60, 2 ** (receiveCount - 1));

const sqsRecord = (queue: string, message: ReceivedMessage) => ({
  messageId: message.messageId,
  receiptHandle: message.receiptHandle,
  body: message.body,
  attributes: {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:local:000000000000:${queue.replace('.', '-')}`,
  awsRegion: 'local',
});

interface ConsumeOptions {
  queue: string;
  batchSize: number;
  concurrency: number;
  process: BatchProcessor;
  asynchronous: boolean;
}

const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

/**
 * Lambda's invoke store, when the process runs as a multi-concurrency Lambda runtime does (the local entry sets it up
 * with {@link runAsMultiConcurrentRuntime}); undefined otherwise, as in unit tests, where invocations run one at a time.
 */
const multiConcurrencyStore = () =>
  process.env.AWS_LAMBDA_MAX_CONCURRENCY === undefined ? undefined : globalThis.awslambda?.InvokeStore;

/** The local queue that stands for a function's asynchronous event source. */
export const s3NotificationQueue = (fn: FunctionDefinition) => `${fn.service}.${fn.name}.s3`;
const eventBridgeQueue = (fn: FunctionDefinition) => `${fn.service}.${fn.name}.events`;

/**
 * Wires the functions declared in the services' serverless.yml files to local event sources: SQS event sources
 * and EventBridge/S3 asynchronous invocations become queue consumers, httpApi events become routes.
 */
export class LocalFunctions {
  readonly routes: HttpRoute[] = [];
  readonly busRoutes: BusRoute[] = [];
  readonly s3NotificationQueues: string[] = [];
  private readonly consumers: QueueConsumer[] = [];
  private readonly eventBridgeConsumers = new Map<string, QueueConsumer>();
  private readonly modules = new Map<string, Promise<HandlerModule>>();
  private readonly functions: FunctionDefinition[] = [];

  constructor(
    private readonly queues: LocalQueues,
    private readonly services: readonly ServiceDefinition[],
    private readonly log: Logger,
    concurrencyOverrides: Record<string, number> = {},
  ) {
    for (const service of services) {
      for (const queue of service.queues) queues.define(queue);
      for (const rule of service.queueRules)
        this.busRoutes.push({ name: rule.name, pattern: rule.pattern, queue: rule.queue });
      for (const fn of service.functions) this.wire(fn, concurrencyOverrides[`${fn.service}.${fn.name}`]);
    }
  }

  start(): void {
    for (const consumer of this.consumers) consumer.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  /** Delivers freshly published bus messages to their function targets at once (see QueueConsumer.deliverNow). */
  async deliverNow(messageIds: string[], timeoutMs = 2000): Promise<void> {
    await Promise.all(
      [...this.eventBridgeConsumers.values()].map((consumer) => consumer.deliverNow(messageIds, timeoutMs)),
    );
  }

  /**
   * Imports every handler module and runs its optional `init` export, the local equivalent of Lambda's init phase
   * (the recognizer loads its model there). Wiring errors surface at start rather than at the first event.
   */
  async init(): Promise<void> {
    await Promise.all(this.functions.map(async (fn) => (await this.moduleOf(fn)).init?.()));
  }

  private moduleOf(fn: FunctionDefinition): Promise<HandlerModule> {
    let module = this.modules.get(fn.module);
    if (!module) {
      module = import(pathToFileURL(fn.module).href) as Promise<HandlerModule>;
      this.modules.set(fn.module, module);
    }
    return module;
  }

  private async handlerOf(fn: FunctionDefinition): Promise<LambdaHandler> {
    const exported = (await this.moduleOf(fn))[fn.exportName];
    if (typeof exported !== 'function') throw new Error(`${fn.module} does not export ${fn.exportName}`);
    return exported as LambdaHandler;
  }

  /**
   * Invokes a function the way a Lambda runtime with several invocations in flight does (Lambda's multi-concurrency):
   * each invocation runs in its own context of Lambda's invoke store, where Powertools keeps what belongs to one
   * invocation, such as the keys a handler appends to its logger. Local mode runs many invocations of one handler
   * at once in one process, so without it their blob ids would land on each other's log lines.
   */
  private async invoke(fn: FunctionDefinition, event: unknown): Promise<unknown> {
    const handler = await this.handlerOf(fn);
    const context = lambdaContext(fn.name);
    const store = multiConcurrencyStore();
    return store
      ? store.run({ [REQUEST_ID]: context.awsRequestId }, () => handler(event, context))
      : handler(event, context);
  }

  private wire(fn: FunctionDefinition, concurrencyOverride: number | undefined): void {
    this.functions.push(fn);
    for (const event of fn.events) {
      switch (event.kind) {
        case 'httpApi': {
          const authorizer = event.authorizer && this.routeAuthorizer(fn, event.authorizer);
          this.routes.push({
            method: event.method,
            path: event.path,
            functionName: fn.name,
            invoke: (request) => this.invoke(fn, request),
            ...(authorizer && { authorizer }),
          });
          break;
        }
        case 'eventBridge': {
          const queue = eventBridgeQueue(fn);
          this.defineAsyncQueue(queue, event.maximumRetryAttempts, event.deadLetterQueue);
          this.busRoutes.push({ name: `${fn.service}.${fn.name}`, pattern: event.pattern, queue });
          const consumer = this.consume(fn, {
            queue,
            batchSize: 1,
            concurrency: concurrencyOverride ?? 4,
            process: this.eachMessageAsEvent(fn),
            asynchronous: true,
          });
          this.eventBridgeConsumers.set(queue, consumer);
          break;
        }
        case 's3': {
          const queue = s3NotificationQueue(fn);
          this.defineAsyncQueue(queue, 2, undefined);
          this.s3NotificationQueues.push(queue);
          this.consume(fn, {
            queue,
            batchSize: 1,
            concurrency: concurrencyOverride ?? 4,
            process: this.eachMessageAsEvent(fn),
            asynchronous: true,
          });
          break;
        }
        case 'sqs':
          this.consume(fn, {
            queue: event.queue,
            batchSize: event.batchSize,
            concurrency: concurrencyOverride ?? event.maximumConcurrency ?? 2,
            process: this.asSqsBatch(fn, event.queue),
            asynchronous: false,
          });
          break;
      }
    }
  }

  /**
   * The authorizer a route names, found the way CloudFormation finds it: by name in the route's own service, or
   * through the export another service's stack makes of it.
   * @throws Error when the reference leads to no declared authorizer, so a misspelt one fails at start.
   */
  private routeAuthorizer(fn: FunctionDefinition, reference: AuthorizerReference): RouteAuthorizer {
    const found = this.services.flatMap((service) =>
      service.httpAuthorizers
        .filter((authorizer) =>
          'name' in reference
            ? service.service === fn.service && authorizer.name === reference.name
            : service.exportedRefs[reference.importName] === authorizer.logicalId,
        )
        .map((authorizer): [ServiceDefinition, HttpAuthorizerDefinition] => [service, authorizer]),
    );
    const [match] = found;
    const authorizerFunction = match && match[0].functions.find((each) => each.name === match[1].functionName);
    if (!match || !authorizerFunction) {
      throw new Error(`${fn.service}.${fn.name}: no authorizer matches ${JSON.stringify(reference)}`);
    }
    return {
      functionName: `${authorizerFunction.service}.${authorizerFunction.name}`,
      identitySource: match[1].identitySource,
      invoke: (event) => this.invoke(authorizerFunction, event),
    };
  }

  private defineAsyncQueue(queue: string, maximumRetryAttempts: number, deadLetterQueue: string | undefined): void {
    const definition: QueueDefinition = {
      name: queue,
      visibilityTimeoutSeconds: 60,
      deadLetter: { queue: deadLetterQueue ?? `${queue}-dlq`, maxReceiveCount: maximumRetryAttempts + 1 },
    };
    this.queues.define(definition);
  }

  /**
   * Polls a queue for a function. An asynchronous source (EventBridge, S3) retries a failed event after a growing
   * delay, as Lambda's asynchronous invocation does; an SQS source leaves it to the queue's visibility timeout.
   */
  private consume(
    fn: FunctionDefinition,
    { queue, batchSize, concurrency, process, asynchronous }: ConsumeOptions,
  ): QueueConsumer {
    const consumer = new QueueConsumer(
      this.queues,
      process,
      {
        queue,
        name: `${fn.service}.${fn.name}`,
        batchSize,
        concurrency,
        retryDelaySeconds: asynchronous ? asyncRetryDelaySeconds : undefined,
      },
      this.log,
    );
    this.consumers.push(consumer);
    return consumer;
  }

  private eachMessageAsEvent(fn: FunctionDefinition): BatchProcessor {
    return async (messages) => {
      const failedReceipts: string[] = [];
      for (const message of messages) {
        try {
          await this.invoke(fn, JSON.parse(message.body));
        } catch (error) {
          this.log.warn('invocation failed', {
            function: `${fn.service}.${fn.name}`,
            attempt: message.receiveCount,
            error,
          });
          failedReceipts.push(message.receiptHandle);
        }
      }
      return { failedReceipts };
    };
  }

  private asSqsBatch(fn: FunctionDefinition, queue: string): BatchProcessor {
    return async (messages) => {
      const event = { Records: messages.map((message) => sqsRecord(queue, message)) } as SQSEvent;
      const response = (await this.invoke(fn, event)) as SQSBatchResponse | undefined;
      const failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      return {
        failedReceipts: messages.filter((message) => failedIds.has(message.messageId)).map((m) => m.receiptHandle),
      };
    };
  }
}
