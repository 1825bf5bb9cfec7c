import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type ScalarTag, type CollectionTag, type YAMLMap, type YAMLSeq } from 'yaml';
import type { EventPattern } from '../bus/matchesPattern.js';
import type { QueueDefinition } from '../queues/LocalQueues.js';

/**
 * Which authorizer guards a route: one the service declares itself (`authorizer: { name }`), or one another stack
 * exports (`authorizer: { id: !ImportValue <export> }`), named by the raw export name so that local mode resolves
 * the same reference the deploy does.
 */
export type AuthorizerReference = { name: string } | { importName: string };

export type FunctionEvent =
  | { kind: 'httpApi'; method: string; path: string; authorizer?: AuthorizerReference }
  | { kind: 'eventBridge'; pattern: EventPattern; maximumRetryAttempts: number; deadLetterQueue?: string }
  | { kind: 'sqs'; queue: string; batchSize: number; maximumConcurrency?: number }
  | { kind: 's3' };

export interface FunctionDefinition {
  service: string;
  name: string;
  /** Absolute path of the handler's TypeScript module. */
  module: string;
  exportName: string;
  events: FunctionEvent[];
}

/** An AWS::Events::Rule resource whose target is one of the service's own queues. */
export interface QueueRuleDefinition {
  service: string;
  name: string;
  pattern: EventPattern;
  queue: string;
}

/** A Lambda REQUEST authorizer of `provider.httpApi.authorizers`. */
export interface HttpAuthorizerDefinition {
  name: string;
  /** The logical id the framework gives its AWS::ApiGatewayV2::Authorizer, which exports refer to. */
  logicalId: string;
  functionName: string;
  /** `$request.header.Authorization` and the like: API Gateway answers 401 without calling it when one is absent. */
  identitySource: string[];
}

export interface ServiceDefinition {
  service: string;
  functions: FunctionDefinition[];
  queues: QueueDefinition[];
  queueRules: QueueRuleDefinition[];
  httpAuthorizers: HttpAuthorizerDefinition[];
  /** The stack's exports whose value is a `!Ref` to one of its resources: export name → logical id. */
  exportedRefs: Record<string, string>;
}

const INTRINSICS = [
  'Ref',
  'Sub',
  'GetAtt',
  'ImportValue',
  'Join',
  'If',
  'Equals',
  'Select',
  'Split',
  'FindInMap',
  'GetAZs',
  'Not',
  'And',
  'Or',
  'Condition',
  'Base64',
  'Cidr',
];

const intrinsicKey = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

/** CloudFormation short-form tags (`!GetAtt`, `!Sub`…) parsed into their long `{ "Fn::…": … }` form. */
const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [intrinsicKey(name)]: value }) } as ScalarTag,
  {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (value: YAMLSeq) => ({ [intrinsicKey(name)]: value.toJSON() }),
  } as unknown as CollectionTag,
  {
    tag: `!${name}`,
    collection: 'map',
    resolve: (value: YAMLMap) => ({ [intrinsicKey(name)]: value.toJSON() }),
  } as unknown as CollectionTag,
]);

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** The local name of a queue resource referenced as `!GetAtt Logical.Arn`, or undefined for anything else. */
const queueFromArn = (service: string, value: unknown): string | undefined => {
  const getAtt = asObject(value)['Fn::GetAtt'];
  const [logicalId, attribute] = Array.isArray(getAtt) ? getAtt : String(getAtt ?? '').split('.');
  return logicalId && attribute === 'Arn' ? `${service}.${logicalId}` : undefined;
};

const parseAuthorizerReference = (raw: unknown): AuthorizerReference | undefined => {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return { name: raw };
  const authorizer = asObject(raw);
  const importName = asObject(authorizer.id)['Fn::ImportValue'];
  if (typeof importName === 'string') return { importName };
  if (typeof authorizer.name === 'string') return { name: authorizer.name };
  throw new Error(`unsupported httpApi authorizer ${JSON.stringify(raw)}`);
};

const parseEvent = (service: string, raw: Json): FunctionEvent | undefined => {
  if (raw.httpApi) {
    const httpApi = asObject(raw.httpApi);
    const authorizer = parseAuthorizerReference(httpApi.authorizer);
    return {
      kind: 'httpApi',
      method: String(httpApi.method).toUpperCase(),
      path: String(httpApi.path),
      ...(authorizer && { authorizer }),
    };
  }
  if (raw.eventBridge) {
    const eventBridge = asObject(raw.eventBridge);
    const retryPolicy = asObject(eventBridge.retryPolicy);
    return {
      kind: 'eventBridge',
      pattern: asObject(eventBridge.pattern) as EventPattern,
      maximumRetryAttempts: Number(retryPolicy.maximumRetryAttempts ?? 185),
      deadLetterQueue: queueFromArn(service, eventBridge.deadLetterQueueArn),
    };
  }
  if (raw.sqs) {
    const sqs = asObject(raw.sqs);
    const queue = queueFromArn(service, sqs.arn);
    if (!queue) throw new Error(`${service}: sqs events must reference a queue of the service with !GetAtt X.Arn`);
    return {
      kind: 'sqs',
      queue,
      batchSize: Number(sqs.batchSize ?? 10),
      // A deploy-time parameter (`${param:…}`) has no local value; the local runtime then sizes the consumer itself.
      maximumConcurrency: Number.isInteger(sqs.maximumConcurrency) ? Number(sqs.maximumConcurrency) : undefined,
    };
  }
  if (raw.s3) return { kind: 's3' };
  return undefined;
};

const parseQueues = (service: string, resources: Json): QueueDefinition[] =>
  Object.entries(resources)
    .filter(([, resource]) => asObject(resource).Type === 'AWS::SQS::Queue')
    .map(([logicalId, resource]) => {
      const properties = asObject(asObject(resource).Properties);
      const redrive = asObject(properties.RedrivePolicy);
      const deadLetterQueue = queueFromArn(service, redrive.deadLetterTargetArn);
      return {
        name: `${service}.${logicalId}`,
        visibilityTimeoutSeconds: Number(properties.VisibilityTimeout ?? 30),
        deadLetter: deadLetterQueue
          ? { queue: deadLetterQueue, maxReceiveCount: Number(redrive.maxReceiveCount ?? 10) }
          : undefined,
      };
    });

const parseQueueRules = (service: string, resources: Json): QueueRuleDefinition[] =>
  Object.entries(resources)
    .filter(([, resource]) => asObject(resource).Type === 'AWS::Events::Rule')
    .flatMap(([logicalId, resource]) => {
      const properties = asObject(asObject(resource).Properties);
      const targets = Array.isArray(properties.Targets) ? properties.Targets : [];
      return targets.flatMap((target: unknown) => {
        const queue = queueFromArn(service, asObject(target).Arn);
        return queue
          ? [{ service, name: logicalId, pattern: asObject(properties.EventPattern) as EventPattern, queue }]
          : [];
      });
    });

/** The framework's logical id for an HTTP API authorizer (osls naming: getHttpApiAuthorizerLogicalId). */
const authorizerLogicalId = (name: string) =>
  `HttpApiAuthorizer${name.charAt(0).toUpperCase()}${name.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}`;

const parseHttpAuthorizers = (provider: Json): HttpAuthorizerDefinition[] =>
  Object.entries(asObject(asObject(provider.httpApi).authorizers))
    .filter(([, raw]) => asObject(raw).type === 'request')
    .map(([name, raw]) => {
      const authorizer = asObject(raw);
      const identitySource = authorizer.identitySource ?? [];
      return {
        name,
        logicalId: authorizerLogicalId(name),
        functionName: String(authorizer.functionName),
        identitySource: (Array.isArray(identitySource) ? identitySource : [identitySource]).map(String),
      };
    });

const parseExportedRefs = (outputs: Json): Record<string, string> =>
  Object.fromEntries(
    Object.values(outputs).flatMap((raw) => {
      const output = asObject(raw);
      const name = asObject(output.Export).Name;
      const ref = asObject(output.Value).Ref;
      return typeof name === 'string' && typeof ref === 'string' ? [[name, ref]] : [];
    }),
  );

/**
 * Reads a service's serverless.yml: its functions with their events, its SQS queues, the EventBridge rules that
 * target those queues, its HTTP API authorizers and the references it exports. The local runtime wires everything
 * from this, so local mode runs what would be deployed.
 */
export const loadServiceDefinition = (serviceDir: string, service: string): ServiceDefinition => {
  const document = asObject(
    parse(readFileSync(join(serviceDir, 'serverless.yml'), 'utf8'), {
      customTags: CLOUDFORMATION_TAGS,
    }),
  );
  const resources = asObject(asObject(document.resources).Resources);
  const outputs = asObject(asObject(document.resources).Outputs);
  const functions = Object.entries(asObject(document.functions)).map(([name, raw]) => {
    const definition = asObject(raw);
    const handler = String(definition.handler);
    const separator = handler.lastIndexOf('.');
    const events = (Array.isArray(definition.events) ? definition.events : [])
      .map((event: unknown) => parseEvent(service, asObject(event)))
      .filter((event): event is FunctionEvent => event !== undefined);
    return {
      service,
      name,
      module: join(serviceDir, `${handler.slice(0, separator)}.ts`),
      exportName: handler.slice(separator + 1),
      events,
    };
  });
  return {
    service,
    functions,
    queues: parseQueues(service, resources),
    queueRules: parseQueueRules(service, resources),
    httpAuthorizers: parseHttpAuthorizers(asObject(document.provider)),
    exportedRefs: parseExportedRefs(outputs),
  };
};
