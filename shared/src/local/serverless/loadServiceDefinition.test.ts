import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceDefinition } from './loadServiceDefinition.js';

const serviceWith = (yml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'imgrec-sls-'));
  writeFileSync(join(dir, 'serverless.yml'), yml);
  return dir;
};

const yml = `
service: imgrec-demo
provider:
  name: aws
  stage: \${opt:stage, 'dev'}
functions:
  getThing:
    handler: functions/getThing/handler.handler
    events:
      - httpApi: { method: get, path: '/things/{id}' }
  onThing:
    handler: functions/onThing/handler.handler
    events:
      - eventBridge:
          eventBus: !ImportValue imgrec-\${sls:stage}-EventBusName
          pattern: { source: [imgrec.uploads], detail-type: [BlobCreated] }
          retryPolicy: { maximumRetryAttempts: 3 }
          deadLetterQueueArn: !GetAtt ThingDLQ.Arn
  drainThings:
    handler: functions/drainThings/handler.handler
    events:
      - sqs: { arn: !GetAtt ThingQueue.Arn, batchSize: 5, maximumConcurrency: 2 }
      - sqs: { arn: !GetAtt ThingDLQ.Arn, maximumConcurrency: '\${param:drainConcurrency}' }
resources:
  Resources:
    ThingQueue:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 90
        RedrivePolicy: { deadLetterTargetArn: !GetAtt [ThingDLQ, Arn], maxReceiveCount: 4 }
    ThingDLQ:
      Type: AWS::SQS::Queue
    ThingRule:
      Type: AWS::Events::Rule
      Properties:
        EventBusName: !Sub 'imgrec-\${AWS::Region}'
        EventPattern: { source: [imgrec.recognition] }
        Targets:
          - { Id: q, Arn: !GetAtt ThingQueue.Arn }
`;

describe('loadServiceDefinition', () => {
  const dir = serviceWith(yml);
  const definition = loadServiceDefinition(dir, 'demo');

  it('reads functions with their handler module and events', () => {
    expect(definition.functions.map((fn) => [fn.name, fn.module, fn.exportName])).toEqual([
      ['getThing', join(dir, 'functions/getThing/handler.ts'), 'handler'],
      ['onThing', join(dir, 'functions/onThing/handler.ts'), 'handler'],
      ['drainThings', join(dir, 'functions/drainThings/handler.ts'), 'handler'],
    ]);
    expect(definition.functions.flatMap((fn) => fn.events)).toEqual([
      { kind: 'httpApi', method: 'GET', path: '/things/{id}' },
      {
        kind: 'eventBridge',
        pattern: { source: ['imgrec.uploads'], 'detail-type': ['BlobCreated'] },
        maximumRetryAttempts: 3,
        deadLetterQueue: 'demo.ThingDLQ',
      },
      { kind: 'sqs', queue: 'demo.ThingQueue', batchSize: 5, maximumConcurrency: 2 },
      { kind: 'sqs', queue: 'demo.ThingDLQ', batchSize: 10, maximumConcurrency: undefined },
    ]);
  });

  it('reads queues with their visibility timeout and redrive policy, in either GetAtt form', () => {
    expect(definition.queues).toEqual([
      {
        name: 'demo.ThingQueue',
        visibilityTimeoutSeconds: 90,
        deadLetter: { queue: 'demo.ThingDLQ', maxReceiveCount: 4 },
      },
      { name: 'demo.ThingDLQ', visibilityTimeoutSeconds: 30, deadLetter: undefined },
    ]);
  });

  it('reads rules that target the service’s own queues', () => {
    expect(definition.queueRules).toEqual([
      { service: 'demo', name: 'ThingRule', pattern: { source: ['imgrec.recognition'] }, queue: 'demo.ThingQueue' },
    ]);
  });
});

describe('loadServiceDefinition: HTTP API authorizers', () => {
  const owner = loadServiceDefinition(
    serviceWith(`
service: imgrec-owner
provider:
  name: aws
  httpApi:
    authorizers:
      apiKey:
        type: request
        functionName: authorize
        identitySource: $request.header.Authorization
        resultTtlInSeconds: 60
      partnerJwt:
        type: jwt
        issuerUrl: https://issuer.example.com
        audience: [imgrec]
functions:
  authorize:
    handler: functions/authorize/handler.handler
  getHealth:
    handler: functions/getHealth/handler.handler
    events:
      - httpApi: { method: GET, path: /health }
  getMine:
    handler: functions/getMine/handler.handler
    events:
      - httpApi: { method: GET, path: /mine, authorizer: { name: apiKey } }
resources:
  Outputs:
    ApiKeyAuthorizerId:
      Value: !Ref HttpApiAuthorizerApiKey
      Export:
        Name: imgrec-\${sls:stage}-ApiKeyAuthorizerId
    TableName:
      Value: !Ref Table
`),
    'owner',
  );
  const user = loadServiceDefinition(
    serviceWith(`
service: imgrec-user
provider:
  name: aws
  httpApi:
    id: !ImportValue imgrec-\${sls:stage}-HttpApiId
functions:
  getTheirs:
    handler: functions/getTheirs/handler.handler
    events:
      - httpApi:
          method: GET
          path: /theirs
          authorizer:
            id: !ImportValue imgrec-\${sls:stage}-ApiKeyAuthorizerId
            type: request
`),
    'user',
  );

  it('reads request authorizers with the logical id the framework gives them, and no others', () => {
    expect(owner.httpAuthorizers).toEqual([
      {
        name: 'apiKey',
        logicalId: 'HttpApiAuthorizerApiKey',
        functionName: 'authorize',
        identitySource: ['$request.header.Authorization'],
      },
    ]);
  });

  it('reads which references a stack exports, under their raw export names', () => {
    expect(owner.exportedRefs).toEqual({ 'imgrec-${sls:stage}-ApiKeyAuthorizerId': 'HttpApiAuthorizerApiKey' });
  });

  it('reads a route’s authorizer by name, or by the export another stack makes of it', () => {
    expect(owner.functions.flatMap((fn) => fn.events)).toEqual([
      { kind: 'httpApi', method: 'GET', path: '/health' },
      { kind: 'httpApi', method: 'GET', path: '/mine', authorizer: { name: 'apiKey' } },
    ]);
    expect(user.functions.flatMap((fn) => fn.events)).toEqual([
      {
        kind: 'httpApi',
        method: 'GET',
        path: '/theirs',
        authorizer: { importName: 'imgrec-${sls:stage}-ApiKeyAuthorizerId' },
      },
    ]);
  });
});
