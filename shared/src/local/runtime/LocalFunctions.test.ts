import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../logging/logger.js';
import { LocalQueues } from '../queues/LocalQueues.js';
import type { ServiceDefinition } from '../serverless/loadServiceDefinition.js';
import { openDatabase } from '../sqlite/openDatabase.js';
import { LocalFunctions } from './LocalFunctions.js';

const dir = mkdtempSync(join(tmpdir(), 'imgrec-functions-'));
const authorizeModule = join(dir, 'authorize.mjs');
writeFileSync(
  authorizeModule,
  'export const handler = async (event) => ({ isAuthorized: true, context: { seen: event.identitySource } });\n',
);
const routeModule = join(dir, 'route.mjs');
writeFileSync(routeModule, 'export const handler = async () => ({ statusCode: 204 });\n');

const owner: ServiceDefinition = {
  service: 'accounts',
  functions: [{ service: 'accounts', name: 'authorize', module: authorizeModule, exportName: 'handler', events: [] }],
  queues: [],
  queueRules: [],
  httpAuthorizers: [
    {
      name: 'apiKey',
      logicalId: 'HttpApiAuthorizerApiKey',
      functionName: 'authorize',
      identitySource: ['$request.header.Authorization'],
    },
  ],
  exportedRefs: { 'imgrec-${sls:stage}-ApiKeyAuthorizerId': 'HttpApiAuthorizerApiKey' },
};

const userOf = (importName: string): ServiceDefinition => ({
  service: 'results',
  functions: [
    {
      service: 'results',
      name: 'getThing',
      module: routeModule,
      exportName: 'handler',
      events: [{ kind: 'httpApi', method: 'GET', path: '/things', authorizer: { importName } }],
    },
  ],
  queues: [],
  queueRules: [],
  httpAuthorizers: [],
  exportedRefs: {},
});

const functionsFor = (services: ServiceDefinition[]) =>
  new LocalFunctions(new LocalQueues(openDatabase(':memory:')), services, createLogger('test', { level: 'error' }));

describe('LocalFunctions: routes behind an authorizer', () => {
  it('puts the authorizer another stack exports in front of the route, as CloudFormation resolves it', async () => {
    const [route] = functionsFor([owner, userOf('imgrec-${sls:stage}-ApiKeyAuthorizerId')]).routes;
    expect(route).toMatchObject({
      method: 'GET',
      path: '/things',
      authorizer: { functionName: 'accounts.authorize', identitySource: ['$request.header.Authorization'] },
    });
    expect(await route?.authorizer?.invoke({ identitySource: ['Bearer k'] })).toEqual({
      isAuthorized: true,
      context: { seen: ['Bearer k'] },
    });
  });

  it('refuses to start when a route names an authorizer nobody exports', () => {
    expect(() => functionsFor([owner, userOf('imgrec-${sls:stage}-Nothing')])).toThrow(
      'results.getThing: no authorizer matches',
    );
  });
});
