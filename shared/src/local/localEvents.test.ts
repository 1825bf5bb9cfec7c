import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  APIGatewayProxyEventV2Schema,
  APIGatewayRequestAuthorizerEventV2Schema,
  EventBridgeSchema,
  S3Schema,
  SqsSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createLogger } from '../logging/logger.js';
import { LocalPlatform } from './platform.js';
import type { ServiceDefinition } from './serverless/loadServiceDefinition.js';
import { startLocalServer } from './server/startLocalServer.js';

/**
 * Every kind of event the local runtime hands a handler, checked against Powertools' schemas of the events AWS
 * sends, so that a handler that works locally meets no new shape on AWS.
 */

declare global {
  var capturedLocalEvents: Record<string, unknown[]>;
}

const dir = mkdtempSync(join(tmpdir(), 'imgrec-local-events-'));
const handlers = join(dir, 'handlers.mjs');
writeFileSync(
  handlers,
  `const keep = (kind, event) => (globalThis.capturedLocalEvents[kind] ??= []).push(event);
export const http = async (event) => (keep('http', event), { statusCode: 204 });
export const authorize = async (event) => (keep('authorizer', event), { isAuthorized: true, context: { tenant_id: 't' } });
export const onEvent = async (event) => keep('eventBridge', event);
export const onObject = async (event) => keep('s3', event);
export const drain = async (event) => (keep('sqs', event), { batchItemFailures: [] });
`,
);

const fn = (name: string, events: ServiceDefinition['functions'][number]['events']) => ({
  service: 'demo',
  name,
  module: handlers,
  exportName: name,
  events,
});

const demo: ServiceDefinition = {
  service: 'demo',
  functions: [
    fn('http', [{ kind: 'httpApi', method: 'POST', path: '/things/{id}', authorizer: { name: 'apiKey' } }]),
    fn('authorize', []),
    fn('onEvent', [{ kind: 'eventBridge', pattern: { source: ['imgrec.uploads'] }, maximumRetryAttempts: 2 }]),
    fn('onObject', [{ kind: 's3' }]),
    fn('drain', [{ kind: 'sqs', queue: 'demo.Queue', batchSize: 5 }]),
  ],
  queues: [{ name: 'demo.Queue', visibilityTimeoutSeconds: 30 }],
  queueRules: [{ service: 'demo', name: 'ToQueue', pattern: { source: ['imgrec.uploads'] }, queue: 'demo.Queue' }],
  httpAuthorizers: [
    {
      name: 'apiKey',
      logicalId: 'HttpApiAuthorizerApiKey',
      functionName: 'authorize',
      identitySource: ['$request.header.Authorization'],
    },
  ],
  exportedRefs: {},
};

const eventually = async (kind: string): Promise<unknown> => {
  const deadline = Date.now() + 10_000;
  while (!globalThis.capturedLocalEvents[kind]?.length) {
    if (Date.now() > deadline) throw new Error(`no ${kind} event arrived`);
    await new Promise((wait) => setTimeout(wait, 20));
  }
  return globalThis.capturedLocalEvents[kind]?.[0];
};

describe('the events the local runtime hands to handlers are real AWS events', () => {
  let platform: LocalPlatform;
  let server: Server;

  beforeAll(async () => {
    globalThis.capturedLocalEvents = {};
    platform = new LocalPlatform(
      { dataDir: mkdtempSync(join(tmpdir(), 'imgrec-local-events-data-')), publicUrl: 'http://127.0.0.1' },
      { services: [demo] },
    );
    platform.functions.start();
    server = await startLocalServer({
      port: 0,
      host: '127.0.0.1',
      publicHosts: [],
      routes: platform.functions.routes,
      blobStore: platform.blobStore,
      metrics: platform.metrics,
      log: createLogger('local', { level: 'error' }),
    });

    await platform.publisherFor('imgrec.uploads').publish({
      detailType: 'BlobRequested',
      detail: {
        blob_id: 'q1Xw3-_9ZkLmNoPqRsTuVw',
        tenant_id: 'tnt_events',
        content_type: 'image/jpeg',
        options: { min_confidence: 30, max_labels: 20 },
        created_at: '2026-11-27T12:00:00.000Z',
        expires_at: '2026-11-27T12:10:00.000Z',
      },
    });
    const upload = platform.blobStore.presignUpload('q1Xw3-_9ZkLmNoPqRsTuVw', 600);
    await platform.blobStore.receiveUpload({
      key: 'q1Xw3-_9ZkLmNoPqRsTuVw',
      query: new URL(upload.url).searchParams,
      contentType: undefined,
      contentLength: 3,
      body: Readable.from([Buffer.from([0xff, 0xd8, 0xff])]),
    });
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/things/abc?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform.close();
  });

  it('an HTTP route gets an API Gateway HTTP API (payload 2.0) event', async () => {
    expect(() => APIGatewayProxyEventV2Schema.parse(globalThis.capturedLocalEvents.http?.[0])).not.toThrow();
  });

  it('its authorizer gets an HTTP API REQUEST authorizer (payload 2.0) event', async () => {
    expect(() =>
      APIGatewayRequestAuthorizerEventV2Schema.parse(globalThis.capturedLocalEvents.authorizer?.[0]),
    ).not.toThrow();
  });

  it('an EventBridge rule target gets an EventBridge event', async () => {
    const event = await eventually('eventBridge');
    expect(() => EventBridgeSchema.parse(event)).not.toThrow();
  });

  it('an S3 notification target gets an S3 event', async () => {
    expect(S3Schema.parse(await eventually('s3')).Records[0]?.s3.object.key).toBe('q1Xw3-_9ZkLmNoPqRsTuVw');
  });

  it('an SQS consumer gets an SQS event, whose body is the EventBridge event the rule put there', async () => {
    const { Records } = SqsSchema.parse(await eventually('sqs'));
    expect(Records).toHaveLength(1);
    expect(EventBridgeSchema.parse(JSON.parse(Records[0]?.body ?? '')).detail).toMatchObject({
      tenant_id: 'tnt_events',
    });
  });
});
