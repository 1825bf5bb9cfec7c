import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateTableCommand,
  DynamoDBClient,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import {
  EMULATOR_CLIENT_CONFIG,
  startDynamoEmulator,
  startS3Emulator,
  type DynamoEmulator,
  type S3Emulator,
} from '@imgrec/shared/aws/testing';
import { webhookIdForBlob } from '@imgrec/shared';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { Webhook } from 'standardwebhooks';
import { awsAccountsStore } from '@imgrec/accounts/adminAws';
import { manageAccounts } from '@imgrec/accounts/manageAccounts';
import { emulateTransactWriteItems } from '../services/accounts/src/testing/accountsTable.js';
import { UPLOADS_TABLE_TTL_ATTRIBUTE } from '../services/uploads/src/adapters/awsDynamoUploadsRepository/awsDynamoUploadsRepository.js';
import { dogOnGrass } from '../services/recognition/src/adapters/rekognitionRecognizer/detectLabelsResponses.js';
import { KMSClient } from '@aws-sdk/client-kms';
import { awsTenantSecretStore } from '@imgrec/webhooks/adminAws';
import { createTenantSecret, rotateTenantSecret } from '@imgrec/webhooks/tenantSecrets';
import { TEST_TENANT_ID, labelsDetected } from '../services/webhooks/src/testing/outcomeEvents.js';
import { startTestReceiver, type TestReceiver } from '../services/webhooks/src/testing/startTestReceiver.js';
import { runBundle, unpackBundle } from './runBundle.js';
import { templateEnvironment } from './templateEnvironment.js';
import { startFakeAwsJsonApi, type FakeAwsJsonApi } from './startFakeAwsJsonApi.js';

/**
 * Checks what `npm run package` builds for the five services, offline and without AWS credentials: the generated
 * CloudFormation against what docs/ARCHITECTURE.md and docs/DEPLOY.md promise of every queue, rule, role, bucket, table and function;
 * and the function zips themselves, which must import with nothing around them and, pointed at emulators, carry an
 * image from POST /blobs to its labels.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = ['accounts', 'uploads', 'recognition', 'results', 'webhooks'] as const;
type Service = (typeof SERVICES)[number];

/** Lambda's limit is far higher; ours keeps cold starts short and proves no native or local-only code got in. */
const MAX_ZIP_BYTES = 1024 * 1024;

/** The only actions allowed on `Resource: "*"`: AWS offers no resource-level permissions for them. */
const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = new Set([
  'rekognition:DetectLabels',
  'rekognition:DetectText',
  'rekognition:DetectFaces',
]);

const FUNCTIONS: Record<Service, string[]> = {
  accounts: ['authorizeRequest', 'getHealth', 'getApiDescription'],
  uploads: ['createUpload', 'deleteBlob', 'onImageStored'],
  recognition: ['onBlobCreated'],
  results: ['getBlob', 'listBlobs', 'onBlobEvent'],
  webhooks: ['onRecognitionCompleted', 'deliverCallback', 'onBlobDeleted'],
};
const FUNCTION_COUNT = Object.values(FUNCTIONS).flat().length;

const PHOTO = readFileSync(join(ROOT, 'fixtures/images/dog.jpg'));

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
}
interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Export?: { Name: unknown } }>;
}
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
}

const templates = new Map<Service, Template>();

const serviceDir = (service: Service) => join(ROOT, 'services', service, '.serverless');

const resourcesOf = (type: string) =>
  SERVICES.flatMap((service) =>
    Object.entries(templates.get(service)?.Resources ?? {})
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => ({ service, logicalId, properties: resource.Properties ?? {} })),
  );

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` or `{ "Ref": id }` points at, if it is one. */
const referencedId = (value: unknown): string | undefined => {
  const reference = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string } | undefined;
  return reference?.['Fn::GetAtt']?.[0] ?? reference?.Ref;
};

/** The function definitions of a service's serverless.yml as written, before the framework adds its defaults. */
const declaredFunctions = (service: Service) =>
  (
    parse(readFileSync(join(ROOT, 'services', service, 'serverless.yml'), 'utf8'), {
      // CloudFormation's short-form tags (!Ref, !GetAtt…) are read as plain values; only timeouts and events matter.
      logLevel: 'error',
    }) as { functions: Record<string, { timeout?: unknown; events?: Json[] }> }
  ).functions;

// Without AWS credentials: packaging must not need any.
const ENV_WITHOUT_CREDENTIALS = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^AWS_(PROFILE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(name),
  ),
);

beforeAll(async () => {
  for (const service of SERVICES) rmSync(serviceDir(service), { recursive: true, force: true });
  await promisify(execFile)('npm', ['run', '--silent', 'package'], {
    cwd: ROOT,
    env: ENV_WITHOUT_CREDENTIALS,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const service of SERVICES) {
    const file = join(serviceDir(service), 'cloudformation-template-update-stack.json');
    templates.set(service, JSON.parse(readFileSync(file, 'utf8')) as Template);
  }
}, 240_000);

describe('npm run package', () => {
  it('leaves no framework variable unresolved', () => {
    for (const service of SERVICES) {
      expect(JSON.stringify(templates.get(service))).not.toMatch(/\$\{(self|sls|opt|param|env|file):/);
    }
  });

  it('gives every queue a dead-letter queue, unless it is one', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    const deadLetterIds = new Set(
      [
        ...queues.map(({ properties }) => (properties.RedrivePolicy as Json | undefined)?.deadLetterTargetArn),
        ...resourcesOf('AWS::Events::Rule').flatMap(({ properties }) =>
          asArray(properties.Targets as Json[]).map((target) => (target.DeadLetterConfig as Json | undefined)?.Arn),
        ),
        ...resourcesOf('AWS::Lambda::EventInvokeConfig').map(
          ({ properties }) => ((properties.DestinationConfig as Json).OnFailure as Json).Destination,
        ),
      ].map(referencedId),
    );
    const withoutDeadLetterQueue = queues
      .filter(({ logicalId, properties }) => !deadLetterIds.has(logicalId) && !properties.RedrivePolicy)
      .map(({ service, logicalId }) => `${service}.${logicalId}`);
    expect(withoutDeadLetterQueue).toEqual([]);
    expect(queues.length).toBeGreaterThanOrEqual(6);
  });

  it('gives every rule target a retry policy and a dead-letter queue', () => {
    const targets = resourcesOf('AWS::Events::Rule').flatMap(({ service, logicalId, properties }) =>
      asArray(properties.Targets as Json[]).map((target) => ({ rule: `${service}.${logicalId}`, target })),
    );
    expect(targets.length).toBeGreaterThanOrEqual(3);
    for (const { rule, target } of targets) {
      expect({ rule, retryPolicy: target.RetryPolicy }).toEqual({
        rule,
        retryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
      });
      expect({ rule, deadLetterQueue: referencedId((target.DeadLetterConfig as Json | undefined)?.Arn) }).toEqual({
        rule,
        deadLetterQueue: expect.any(String),
      });
    }
  });

  it('grants no `*` or `service:*` action, and `Resource: "*"` only for actions that allow nothing narrower', () => {
    const statements = resourcesOf('AWS::IAM::Role').flatMap(({ service, logicalId, properties }) =>
      asArray(properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) =>
        policy.PolicyDocument.Statement.map((statement) => ({ role: `${service}.${logicalId}`, statement })),
      ),
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const { role, statement } of statements.filter(({ statement }) => statement.Effect === 'Allow')) {
      const actions = asArray(statement.Action);
      expect({ role, wildcards: actions.filter((action) => action === '*' || action.endsWith(':*')) }).toEqual({
        role,
        wildcards: [],
      });
      if (asArray(statement.Resource).includes('*')) {
        expect({
          role,
          actions: actions.filter((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(action)),
        }).toEqual({ role, actions: [] });
      }
    }
    // The framework's shared execution role would serve every function of a stack.
    expect(resourcesOf('AWS::IAM::Role').map(({ logicalId }) => logicalId)).not.toContain('IamRoleLambdaExecution');
  });

  it('gives each function a role of its own, defined in its stack', () => {
    const roleIds = new Set(resourcesOf('AWS::IAM::Role').map(({ service, logicalId }) => `${service}.${logicalId}`));
    const functions = resourcesOf('AWS::Lambda::Function');
    const rolesUsed = functions.map(({ service, properties }) => `${service}.${referencedId(properties.Role)}`);
    expect(functions).toHaveLength(FUNCTION_COUNT);
    expect(rolesUsed.filter((role) => !roleIds.has(role))).toEqual([]);
    expect(new Set(rolesUsed).size).toBe(functions.length);
  });

  it('runs every function on nodejs22.x, on arm64', () => {
    for (const { logicalId, properties } of resourcesOf('AWS::Lambda::Function')) {
      expect({ logicalId, runtime: properties.Runtime, architectures: properties.Architectures }).toEqual({
        logicalId,
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
      });
    }
  });

  it('keeps webhook secrets and API keys out of every function’s environment', () => {
    for (const { logicalId, properties } of resourcesOf('AWS::Lambda::Function')) {
      const variables = ((properties.Environment as Json | undefined)?.Variables as Json) ?? {};
      // A setting about secrets may only name where they are (a table, a key): a CloudFormation reference.
      const literalSecrets = Object.entries(variables).filter(
        ([name, value]) =>
          (/SECRET|API_KEY/.test(name) && typeof value === 'string') || /whsec_|imgrec_sk_/.test(JSON.stringify(value)),
      );
      expect({ logicalId, literalSecrets }).toEqual({ logicalId, literalSecrets: [] });
    }
  });

  it('makes every bucket private and encrypted, and the image bucket expire its images', () => {
    const buckets = resourcesOf('AWS::S3::Bucket');
    // Each stack's deployment bucket, and the image bucket.
    expect(buckets.length).toBe(SERVICES.length + 1);
    for (const { service, logicalId, properties } of buckets) {
      expect({
        bucket: `${service}.${logicalId}`,
        publicAccessBlock: properties.PublicAccessBlockConfiguration,
      }).toEqual({
        bucket: `${service}.${logicalId}`,
        publicAccessBlock: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
      expect(properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    }
    const images = templates.get('uploads')?.Resources.S3BucketImages?.Properties ?? {};
    expect(images.LifecycleConfiguration).toMatchObject({
      Rules: [{ Status: 'Enabled', ExpirationInDays: 30 }],
    });
    expect(images.CorsConfiguration).toMatchObject({ CorsRules: [{ AllowedMethods: ['PUT'] }] });
    expect(images.NotificationConfiguration).toEqual({
      LambdaConfigurations: [
        { Event: 's3:ObjectCreated:*', Function: { 'Fn::GetAtt': ['OnImageStoredLambdaFunction', 'Arn'] } },
      ],
    });
  });

  it('lets S3 invoke onImageStored only for the image bucket', () => {
    const uploads = templates.get('uploads')?.Resources ?? {};
    const bucketName = (uploads.S3BucketImages?.Properties?.BucketName as { 'Fn::Sub': string })['Fn::Sub'];
    expect(uploads.OnImageStoredLambdaPermissionImagesS3?.Properties?.SourceArn).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucketName}`,
    });
  });

  it('bills tables on demand, with point-in-time recovery, and expires idempotency keys', () => {
    const tables = resourcesOf('AWS::DynamoDB::Table');
    expect(tables.map(({ service, logicalId }) => `${service}.${logicalId}`).sort()).toEqual([
      'accounts.AccountsTable',
      'results.ResultsTable',
      'uploads.UploadsTable',
      'webhooks.DeliveriesTable',
      'webhooks.WebhookSecretsTable',
    ]);
    for (const { properties } of tables) {
      expect(properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
    expect(templates.get('uploads')?.Resources.UploadsTable?.Properties?.TimeToLiveSpecification).toEqual({
      AttributeName: UPLOADS_TABLE_TTL_ATTRIBUTE,
      Enabled: true,
    });
  });

  it('lets DynamoDB expire the records of every table that keeps a blob’s records', () => {
    for (const [service, table] of [
      ['uploads', 'UploadsTable'],
      ['results', 'ResultsTable'],
      ['webhooks', 'DeliveriesTable'],
    ] as const) {
      expect({ table, ttl: templates.get(service)?.Resources[table]?.Properties?.TimeToLiveSpecification }).toEqual({
        table,
        ttl: { AttributeName: 'delete_after', Enabled: true },
      });
    }
  });

  it('keeps a blob’s records for the same number of days in every service that holds them', () => {
    const retentions = new Set(
      resourcesOf('AWS::Lambda::Function').map(
        ({ properties }) =>
          ((properties.Environment as Json | undefined)?.Variables as Json | undefined)?.IMGREC_RECORD_RETENTION_DAYS,
      ),
    );
    retentions.delete(undefined);
    expect([...retentions]).toEqual(['90']);
  });

  it('lists a tenant’s blobs through an index keyed by tenant and creation time, never a scan', () => {
    const results = templates.get('results')?.Resources.ResultsTable?.Properties ?? {};
    expect(results.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'by_tenant_created',
        KeySchema: [
          { AttributeName: 'tenant_id', KeyType: 'HASH' },
          { AttributeName: 'created_key', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    const statements = resourcesOf('AWS::IAM::Role').flatMap(({ properties }) =>
      asArray(properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
        (policy) => policy.PolicyDocument.Statement,
      ),
    );
    expect(statements.flatMap((statement) => asArray(statement.Action))).not.toContain('dynamodb:Scan');
  });

  it('paces recognition with the maximumConcurrency parameter', () => {
    const [mapping] = resourcesOf('AWS::Lambda::EventSourceMapping').filter(({ service }) => service === 'recognition');
    expect(mapping?.properties).toMatchObject({ BatchSize: 1, ScalingConfig: { MaximumConcurrency: 5 } });
  });

  it('paces callback delivery with the deliveryMaxConcurrency parameter', () => {
    const [mapping] = resourcesOf('AWS::Lambda::EventSourceMapping').filter(({ service }) => service === 'webhooks');
    expect(mapping?.properties).toMatchObject({ BatchSize: 10, ScalingConfig: { MaximumConcurrency: 5 } });
  });

  it('gives every function a timeout of its own in serverless.yml, under 30 s for those API Gateway waits on', () => {
    const declared = SERVICES.flatMap((service) =>
      Object.entries(declaredFunctions(service)).map(([name, definition]) => ({
        name: `imgrec-${service}-dev-${name}`,
        timeout: definition.timeout,
        // API Gateway's HTTP API gives up on an integration after 30 s; the authorizer runs inside that same wait.
        waitedOnByApiGateway:
          (definition.events ?? []).some((event) => 'httpApi' in event) || name === 'authorizeRequest',
      })),
    );
    expect(declared).toHaveLength(FUNCTION_COUNT);
    expect(declared.filter(({ timeout }) => typeof timeout !== 'number')).toEqual([]);
    expect(
      declared.filter(({ timeout, waitedOnByApiGateway }) => waitedOnByApiGateway && Number(timeout) > 29),
    ).toEqual([]);
    // What was written is what gets deployed.
    const deployed = new Map(
      resourcesOf('AWS::Lambda::Function').map(({ properties }) => [properties.FunctionName, properties.Timeout]),
    );
    for (const { name, timeout } of declared) expect({ name, timeout: deployed.get(name) }).toEqual({ name, timeout });
  });

  it('hides each SQS message for at least six times its consumer’s timeout, as AWS advises', () => {
    const mappings = resourcesOf('AWS::Lambda::EventSourceMapping').map(({ service, properties }) => {
      const resources = templates.get(service)?.Resources ?? {};
      const queue = referencedId(properties.EventSourceArn) ?? '';
      const consumer = referencedId(properties.FunctionName) ?? '';
      return {
        queue,
        // SQS's default visibility timeout is 30 s.
        visibilityTimeout: Number(resources[queue]?.Properties?.VisibilityTimeout ?? 30),
        functionTimeout: Number(resources[consumer]?.Properties?.Timeout),
      };
    });
    expect(mappings.map(({ queue }) => queue)).toEqual(['RecognitionQueue', 'DeliveryQueue']);
    expect(
      mappings.filter(
        ({ visibilityTimeout, functionTimeout }) => !(visibilityTimeout >= 6 * functionTimeout && functionTimeout > 0),
      ),
    ).toEqual([]);
  });

  it('wires the services through the accounts and uploads stacks’ exports only, and accounts imports nothing', () => {
    // The framework exports a few outputs of its own (sls-…); ours are named imgrec-<stage>-….
    const exportsOf = (service: Service) =>
      Object.values(templates.get(service)?.Outputs ?? {})
        .flatMap((output) => output.Export?.Name ?? [])
        .filter((name): name is string => typeof name === 'string' && name.startsWith('imgrec-'));
    const importsOf = (service: Service) =>
      [...JSON.stringify(templates.get(service)).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map(
        (match) => match[1] ?? '',
      );
    const exported = [...exportsOf('accounts'), ...exportsOf('uploads')];
    const imported = new Set(SERVICES.flatMap(importsOf));
    expect([...imported].filter((name) => !exported.includes(name))).toEqual([]);
    expect(importsOf('accounts')).toEqual([]);
    // Uploads imports from accounts only, so no two stacks import from each other.
    expect(importsOf('uploads').every((name) => exportsOf('accounts').includes(name))).toBe(true);
    expect(exportsOf('accounts')).toEqual(['imgrec-dev-HttpApiId', 'imgrec-dev-ApiKeyAuthorizerId']);
    expect(exportsOf('uploads')).toEqual(expect.arrayContaining(['imgrec-dev-EventBusName', 'imgrec-dev-EventBusArn']));
  });

  describe('the stage', () => {
    const { stage, MAX_STAGE_LENGTH } = createRequire(import.meta.url)('./stage.cjs') as {
      stage: (input: { options: { stage?: string } }) => string;
      MAX_STAGE_LENGTH: number;
    };
    const stageOf = (name: string) => () => stage({ options: { stage: name } });

    it('keeps the image bucket within 63 characters and every function name within 64 at the longest stage', () => {
      const longest = 'a'.repeat(MAX_STAGE_LENGTH);
      // A 12-digit account id and one of the longest region names.
      const [bucket] = resourcesOf('AWS::S3::Bucket').flatMap(({ properties }) =>
        Object.values((properties.BucketName ?? {}) as Json).map((name) =>
          String(name)
            .replace('${AWS::AccountId}', '123456789012')
            .replace('${AWS::Region}', 'ap-southeast-2')
            .replace('-dev-', `-${longest}-`),
        ),
      );
      expect(bucket).toMatch(/^imgrec-a+-images-123456789012-ap-southeast-2$/);
      expect(bucket?.length).toBeLessThanOrEqual(63);
      const functionNames = resourcesOf('AWS::Lambda::Function').map(({ properties }) =>
        String(properties.FunctionName).replace('-dev-', `-${longest}-`),
      );
      expect(functionNames.filter((name) => name.length > 64)).toEqual([]);
      // One character more would break one of the two limits.
      expect(Number(bucket?.length) === 63 || functionNames.some((name) => name.length === 64)).toBe(true);
    });

    it('accepts lowercase letters, digits and hyphens starting with a letter, up to the longest stage', () => {
      expect(stage({ options: {} })).toBe('dev');
      expect(stageOf('pr-42')()).toBe('pr-42');
      expect(stageOf('a'.repeat(MAX_STAGE_LENGTH))()).toBe('a'.repeat(MAX_STAGE_LENGTH));
      expect(stageOf('Prod')).toThrow('lowercase letters, digits and hyphens, starting with a letter');
      expect(stageOf('42')).toThrow('starting with a letter');
      expect(stageOf('pr_42')).toThrow('lowercase letters, digits and hyphens');
      expect(stageOf('a'.repeat(MAX_STAGE_LENGTH + 1))).toThrow(`at most ${MAX_STAGE_LENGTH} characters`);
    });

    it('fails `serverless package` with the rule it broke, before building anything', async () => {
      const packageWithStage = (name: string) =>
        new Promise<{ failed: boolean; output: string }>((resolve) => {
          execFile(
            join(ROOT, 'node_modules/.bin/serverless'),
            ['package', '--stage', name],
            { cwd: join(ROOT, 'services/accounts'), env: ENV_WITHOUT_CREDENTIALS, timeout: 60_000 },
            (error, stdout, stderr) => resolve({ failed: error !== null, output: `${stdout}${stderr}` }),
          );
        });
      const [uppercase, tooLong] = await Promise.all([
        packageWithStage('Prod'),
        packageWithStage('a'.repeat(MAX_STAGE_LENGTH + 1)),
      ]);
      expect(uppercase.failed).toBe(true);
      expect(uppercase.output).toContain(
        'Invalid stage "Prod": the stage must be lowercase letters, digits and hyphens',
      );
      expect(tooLong.failed).toBe(true);
      expect(tooLong.output).toContain(`the stage must be at most ${MAX_STAGE_LENGTH} characters`);
      // The templates the other tests read are still there.
      expect(statSync(join(serviceDir('accounts'), 'cloudformation-template-update-stack.json')).isFile()).toBe(true);
    }, 60_000);
  });

  describe('the HTTP API', () => {
    const routes = () =>
      resourcesOf('AWS::ApiGatewayV2::Route').map(({ service, properties }): Json => ({ service, ...properties }));

    it('puts the accounts authorizer on every /blobs route, and none on /health', () => {
      const blobRoutes = routes().filter((route) => String(route.RouteKey).includes(' /blobs'));
      expect(blobRoutes.map((route) => route.RouteKey).sort()).toEqual([
        'DELETE /blobs/{blob_id}',
        'GET /blobs',
        'GET /blobs/{blob_id}',
        'POST /blobs',
      ]);
      for (const route of blobRoutes) {
        expect({ route: route.RouteKey, type: route.AuthorizationType, id: route.AuthorizerId }).toEqual({
          route: route.RouteKey,
          type: 'CUSTOM',
          id: { 'Fn::ImportValue': 'imgrec-dev-ApiKeyAuthorizerId' },
        });
      }
      const [health] = routes().filter((route) => route.RouteKey === 'GET /health');
      expect(health).toMatchObject({ service: 'accounts' });
      expect(health).not.toHaveProperty('AuthorizerId');
      expect(health?.AuthorizationType ?? 'NONE').toBe('NONE');
    });

    it('has one Lambda REQUEST authorizer on the Authorization header, with simple responses cached ≤ 60 s', () => {
      const authorizers = resourcesOf('AWS::ApiGatewayV2::Authorizer');
      expect(authorizers.map(({ service, logicalId }) => `${service}.${logicalId}`)).toEqual([
        'accounts.HttpApiAuthorizerApiKey',
      ]);
      const [{ properties }] = authorizers as [(typeof authorizers)[number]];
      expect(properties).toMatchObject({
        AuthorizerType: 'REQUEST',
        IdentitySource: ['$request.header.Authorization'],
        EnableSimpleResponses: true,
        AuthorizerPayloadFormatVersion: '2.0',
      });
      expect(properties.AuthorizerResultTtlInSeconds).toBeGreaterThan(0);
      expect(properties.AuthorizerResultTtlInSeconds).toBeLessThanOrEqual(60);
    });

    it('throttles the whole stage, burst and rate, from deploy params', () => {
      const [stage] = resourcesOf('AWS::ApiGatewayV2::Stage');
      expect(stage?.service).toBe('accounts');
      expect(stage?.properties.DefaultRouteSettings).toMatchObject({
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
      });
    });

    it('lets the authorizer read the accounts table and nothing else', () => {
      const role = templates.get('accounts')?.Resources.AuthorizeRequestRole?.Properties ?? {};
      const statements = (role.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
        (policy) => policy.PolicyDocument.Statement,
      );
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': ['AuthorizeRequestLogGroup', 'Arn'] },
        },
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['AccountsTable', 'Arn'] } },
      ]);
    });
  });

  // The linter runs on Python; where it is not installed, the checks above still stand.
  if (spawnSync('cfn-lint', ['--version']).error === undefined) {
    it('passes cfn-lint', async () => {
      const files = SERVICES.map((service) => join(serviceDir(service), 'cloudformation-template-update-stack.json'));
      // W3005 flags the DependsOn the framework adds next to an implied dependency: noise, not a defect.
      const lint = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile('cfn-lint', ['--ignore-checks', 'W3005', '--', ...files], (error, stdout, stderr) =>
          resolve({ code: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` }),
        );
      });
      expect(lint).toEqual({ code: 0, output: '' });
    }, 120_000);
  }

  it('keeps every function zip within 1 MB', () => {
    const sizes = SERVICES.flatMap((service) =>
      FUNCTIONS[service].map((name) => ({
        zip: `${service}/${name}`,
        bytes: statSync(join(serviceDir(service), `${name}.zip`)).size,
      })),
    );
    expect(sizes.filter(({ bytes }) => bytes > MAX_ZIP_BYTES)).toEqual([]);
  });
});

describe('function bundles', () => {
  const handlerFiles = new Map<string, string>();
  const handlerOf = (service: Service, name: string) => {
    const key = `${service}/${name}`;
    if (!handlerFiles.has(key)) handlerFiles.set(key, unpackBundle(join(serviceDir(service), `${name}.zip`)));
    return handlerFiles.get(key) ?? '';
  };

  afterAll(() => {
    for (const file of handlerFiles.values()) rmSync(dirname(dirname(dirname(file))), { recursive: true, force: true });
  });

  for (const service of SERVICES) {
    for (const name of FUNCTIONS[service]) {
      it(`${service}/${name} imports with nothing but its zip and the environment its template sets`, async () => {
        expect(await runBundle(handlerOf(service, name), templateEnvironment(service, name))).toBe('function');
      });
    }
  }

  it('fails a cold start, not a request, when a setting the template gives is missing', async () => {
    const { IMGREC_UPLOADS_TABLE: _table, ...incomplete } = templateEnvironment('uploads', 'createUpload');
    await expect(runBundle(handlerOf('uploads', 'createUpload'), incomplete)).rejects.toThrow(
      'Missing required environment variable IMGREC_UPLOADS_TABLE',
    );
  });

  describe('in aws mode against emulators', () => {
    const BUCKET = 'imgrec-test-images';
    const BUS = 'imgrec-test';
    const CURSOR_SECRET = 'c'.repeat(64);
    let s3: S3Emulator;
    let dynamo: DynamoEmulator;
    let aws: FakeAwsJsonApi;
    let env: Record<string, string>;

    beforeAll(async () => {
      [s3, dynamo, aws] = await Promise.all([
        startS3Emulator([BUCKET]),
        startDynamoEmulator(),
        startFakeAwsJsonApi({
          'AWSEvents.PutEvents': (body) => ({
            FailedEntryCount: 0,
            Entries: (body.Entries as unknown[]).map((_, index) => ({ EventId: `event-${index}` })),
          }),
          'RekognitionService.DetectLabels': () => dogOnGrass,
          'secretsmanager.GetSecretValue': (body) => ({
            ARN: body.SecretId,
            Name: 'CursorSigningSecret',
            SecretString: CURSOR_SECRET,
          }),
        }),
      ]);
      // The tables exactly as the templates define them, so the adapters are checked against the real key schema.
      const client = new DynamoDBClient({ ...EMULATOR_CLIENT_CONFIG, endpoint: dynamo.endpoint });
      for (const [service, logicalId] of [
        ['accounts', 'AccountsTable'],
        ['uploads', 'UploadsTable'],
        ['results', 'ResultsTable'],
      ] as const) {
        const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } =
          templates.get(service)?.Resources[logicalId]?.Properties ?? {};
        await client.send(
          new CreateTableCommand({
            TableName: logicalId,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: AttributeDefinitions as AttributeDefinition[],
            KeySchema: KeySchema as KeySchemaElement[],
            GlobalSecondaryIndexes: GlobalSecondaryIndexes as GlobalSecondaryIndex[] | undefined,
          }),
        );
      }
      client.destroy();
      env = {
        IMGREC_MODE: 'aws',
        IMGREC_LOG_LEVEL: 'error',
        IMGREC_ACCOUNTS_TABLE: 'AccountsTable',
        IMGREC_UPLOADS_TABLE: 'UploadsTable',
        IMGREC_RESULTS_TABLE: 'ResultsTable',
        IMGREC_IMAGES_BUCKET: BUCKET,
        IMGREC_EVENT_BUS_NAME: BUS,
        IMGREC_CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CursorSigningSecret-AbCdEf',
        IMGREC_RECORD_RETENTION_DAYS: '90',
        AWS_REGION: EMULATOR_CLIENT_CONFIG.region,
        AWS_ACCESS_KEY_ID: EMULATOR_CLIENT_CONFIG.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CLIENT_CONFIG.credentials.secretAccessKey,
        // The SDK's per-service endpoint settings: the bundles run unchanged, only their network is redirected.
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpoint,
        AWS_ENDPOINT_URL_REKOGNITION: aws.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      };
    }, 30_000);

    afterAll(async () => {
      await Promise.all([s3.stop(), dynamo.stop(), aws.stop()]);
    });

    /** Every event the bundles put on the bus so far, in the envelope EventBridge hands to targets. */
    const published = () =>
      aws.requests
        .filter(({ target }) => target === 'AWSEvents.PutEvents')
        .flatMap(
          ({ body }) => body.Entries as { EventBusName: string; Source: string; DetailType: string; Detail: string }[],
        )
        .map((entry) => ({
          bus: entry.EventBusName,
          envelope: {
            version: '0',
            id: randomUUID(),
            source: entry.Source,
            account: '123456789012',
            time: new Date().toISOString(),
            region: 'eu-west-1',
            resources: [],
            'detail-type': entry.DetailType,
            detail: JSON.parse(entry.Detail) as Json,
          },
        }));

    /** What the authorizer bundle handed API Gateway for the test tenant's key: the context of every route. */
    let authorizerContext: Json;

    const httpApiRequest = (method: string, path: string, pathParameters?: Record<string, string>) => ({
      version: '2.0',
      routeKey: `${method} ${pathParameters ? '/blobs/{blob_id}' : path}`,
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', host: 'api.example.com' },
      requestContext: {
        domainName: 'api.example.com',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
        authorizer: { lambda: authorizerContext },
      },
      ...(pathParameters && { pathParameters }),
      ...(method === 'POST' && { body: '{"max_labels":5}' }),
      isBase64Encoded: false,
    });

    it('recognises a key issued through the accounts table, and refuses one nobody issued', async () => {
      const documents = dynamo.newDocumentClient();
      // dynalite knows no TransactWriteItems, which key creation uses; see the accounts service's tests.
      emulateTransactWriteItems(documents);
      const accounts = awsAccountsStore({ tableName: 'AccountsTable', client: documents });
      const { tenant, api_key: apiKey } = await manageAccounts({ store: accounts, now: () => new Date() }).createTenant(
        {
          name: 'Bundle Co',
        },
      );
      const authorize = (authorization: string) =>
        runBundle(handlerOf('accounts', 'authorizeRequest'), env, {
          version: '2.0',
          type: 'REQUEST',
          routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/$default/POST/blobs',
          identitySource: [authorization],
          routeKey: 'POST /blobs',
          rawPath: '/blobs',
          rawQueryString: '',
          headers: { authorization, host: 'api.example.com' },
          requestContext: {
            domainName: 'api.example.com',
            http: { method: 'POST', path: '/blobs', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'x' },
          },
        }) as Promise<{ isAuthorized: boolean; context: Json }>;

      const allowed = await authorize(`Bearer ${apiKey}`);
      expect(allowed).toEqual({
        isAuthorized: true,
        context: { tenant_id: tenant.tenant_id, key_id: expect.stringMatching(/^key_/) },
      });
      authorizerContext = allowed.context;
      expect(await authorize(`Bearer imgrec_sk_${'B'.repeat(43)}`)).toEqual({
        isAuthorized: true,
        context: { auth_error: 'invalid_api_key' },
      });
    }, 60_000);

    it('takes an image from POST /blobs through recognition to a labelled GET /blobs/{blob_id}', async () => {
      const created = (await runBundle(
        handlerOf('uploads', 'createUpload'),
        env,
        httpApiRequest('POST', '/blobs'),
      )) as {
        statusCode: number;
        body: string;
      };
      expect(created.statusCode).toBe(201);
      const { blob_id: blobId, upload_url: uploadUrl, upload_headers: uploadHeaders } = JSON.parse(created.body);

      // The presigned URL works as given: the client PUTs straight to the bucket.
      const upload = await fetch(uploadUrl, { method: 'PUT', headers: uploadHeaders, body: PHOTO });
      expect(upload.status).toBe(200);

      await runBundle(handlerOf('uploads', 'onImageStored'), env, {
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: { object: { key: blobId, size: PHOTO.length } },
          },
        ],
      });
      const blobCreated = published().find(({ envelope }) => envelope['detail-type'] === 'BlobCreated');
      const recognition = await runBundle(handlerOf('recognition', 'onBlobCreated'), env, {
        Records: [
          {
            messageId: 'message-1',
            receiptHandle: 'receipt-1',
            body: JSON.stringify(blobCreated?.envelope),
            attributes: { ApproximateReceiveCount: '1' },
            eventSource: 'aws:sqs',
          },
        ],
      });
      expect(recognition).toEqual({ batchItemFailures: [] });

      for (const { envelope } of published()) await runBundle(handlerOf('results', 'onBlobEvent'), env, envelope);
      const read = (await runBundle(
        handlerOf('results', 'getBlob'),
        env,
        httpApiRequest('GET', `/blobs/${blobId}`, { blob_id: blobId }),
      )) as { statusCode: number; body: string };

      expect(published().map(({ bus, envelope }) => [bus, envelope.source, envelope['detail-type']])).toEqual([
        [BUS, 'imgrec.uploads', 'BlobRequested'],
        [BUS, 'imgrec.uploads', 'BlobCreated'],
        [BUS, 'imgrec.recognition', 'LabelsDetected'],
      ]);
      expect(aws.requests.find(({ target }) => target === 'RekognitionService.DetectLabels')?.body).toEqual({
        Image: { S3Object: { Bucket: BUCKET, Name: blobId } },
        MinConfidence: 55,
        MaxLabels: 5,
      });
      expect(read.statusCode).toBe(200);
      expect(JSON.parse(read.body)).toMatchObject({
        blob_id: blobId,
        status: 'succeeded',
        labels: ['animal', 'dog', 'grass', 'canine', 'mammal', 'pet', 'plant'],
        model: { provider: 'rekognition', name: 'DetectLabels', version: '3.0' },
        options: { min_confidence: 55, max_labels: 5 },
      });
    }, 60_000);

    it("lists the tenant's blobs a page at a time, and forgets a deleted one everywhere", async () => {
      const list = async (queryStringParameters: Record<string, string>) => {
        const answer = (await runBundle(handlerOf('results', 'listBlobs'), env, {
          ...httpApiRequest('GET', '/blobs'),
          rawQueryString: new URLSearchParams(queryStringParameters).toString(),
          queryStringParameters,
        })) as { statusCode: number; body: string };
        return { status: answer.statusCode, body: JSON.parse(answer.body) };
      };
      for (let index = 0; index < 2; index += 1) {
        await runBundle(handlerOf('uploads', 'createUpload'), env, httpApiRequest('POST', '/blobs'));
      }
      for (const { envelope } of published()) await runBundle(handlerOf('results', 'onBlobEvent'), env, envelope);

      const first = await list({ limit: '2' });
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(2);
      const second = await list({ limit: '2', cursor: first.body.next_cursor });
      expect(second.body).toMatchObject({ data: [{ status: 'succeeded' }], next_cursor: null });
      const succeeded = second.body.data[0].blob_id as string;
      expect(await list({ limit: '2', cursor: `${first.body.next_cursor}x` })).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_cursor' } },
      });
      // The secret was read from Secrets Manager, by ARN, and never from the environment.
      expect(aws.requests.filter(({ target }) => target === 'secretsmanager.GetSecretValue')[0]?.body).toEqual({
        SecretId: env.IMGREC_CURSOR_SECRET_ARN,
      });

      const deleted = (await runBundle(
        handlerOf('uploads', 'deleteBlob'),
        env,
        httpApiRequest('DELETE', `/blobs/${succeeded}`, { blob_id: succeeded }),
      )) as { statusCode: number };
      expect(deleted.statusCode).toBe(204);
      const blobDeleted = published().find(({ envelope }) => envelope['detail-type'] === 'BlobDeleted');
      expect(blobDeleted?.envelope.detail).toMatchObject({ blob_id: succeeded });
      await runBundle(handlerOf('results', 'onBlobEvent'), env, blobDeleted?.envelope);

      const read = (await runBundle(
        handlerOf('results', 'getBlob'),
        env,
        httpApiRequest('GET', `/blobs/${succeeded}`, { blob_id: succeeded }),
      )) as { statusCode: number };
      expect(read.statusCode).toBe(404);
      expect((await list({ status: 'succeeded' })).body).toEqual({ data: [], next_cursor: null });
      const image = await fetch(`${s3.endpoint}/${BUCKET}/${succeeded}`);
      expect(image.status).toBe(404);
    }, 60_000);

    describe('webhooks', () => {
      const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      // Two secrets, as during a rotation: each must verify every message.
      const secrets: string[] = [];
      let webhooksAws: FakeAwsJsonApi;
      let receiver: TestReceiver;
      let webhooksEnv: Record<string, string>;
      // The SQS client sends to the host of the queue URL, so the URLs point at the fake.
      const queueUrl = () => `${webhooksAws.endpoint}/123456789012/DeliveryQueue`;

      beforeAll(async () => {
        [webhooksAws, receiver] = await Promise.all([
          startFakeAwsJsonApi({
            // A KMS stand-in whose "ciphertext" carries the plaintext and the context it was bound to.
            'TrentService.Encrypt': (body) => ({
              KeyId: body.KeyId,
              CiphertextBlob: Buffer.from(
                JSON.stringify({ context: body.EncryptionContext, plaintext: body.Plaintext }),
              ).toString('base64'),
            }),
            'TrentService.Decrypt': (body) => ({
              KeyId: body.KeyId,
              Plaintext: JSON.parse(Buffer.from(String(body.CiphertextBlob), 'base64').toString('utf8')).plaintext,
            }),
            'AmazonSQS.SendMessage': (body) => ({
              MessageId: randomUUID(),
              // The SDK checks it, as it would against SQS.
              MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex'),
            }),
            'AmazonSQS.ChangeMessageVisibility': () => ({}),
            'AWSEvents.PutEvents': (body) => ({
              FailedEntryCount: 0,
              Entries: (body.Entries as unknown[]).map((_, index) => ({ EventId: `event-${index}` })),
            }),
          }),
          startTestReceiver((request, _index, response) =>
            response.writeHead(request.path === '/failing' ? 503 : 204).end(),
          ),
        ]);
        const client = new DynamoDBClient({ ...EMULATOR_CLIENT_CONFIG, endpoint: dynamo.endpoint });
        for (const logicalId of ['DeliveriesTable', 'WebhookSecretsTable']) {
          const { AttributeDefinitions, KeySchema } = templates.get('webhooks')?.Resources[logicalId]?.Properties ?? {};
          await client.send(
            new CreateTableCommand({
              TableName: logicalId,
              BillingMode: 'PAY_PER_REQUEST',
              AttributeDefinitions: AttributeDefinitions as AttributeDefinition[],
              KeySchema: KeySchema as KeySchemaElement[],
            }),
          );
        }
        client.destroy();
        // The tenant's secrets, made the way the admin CLI makes them: a first one, then a rotation.
        const kms = new KMSClient({ ...EMULATOR_CLIENT_CONFIG, endpoint: webhooksAws.endpoint });
        const store = awsTenantSecretStore({
          tableName: 'WebhookSecretsTable',
          keyId: KEY_ARN,
          dynamo: dynamo.newDocumentClient(),
          kms,
        });
        secrets.push((await createTenantSecret(store, TEST_TENANT_ID)).webhook_secret);
        secrets.push((await rotateTenantSecret(store, TEST_TENANT_ID, { overlapHours: 24 })).webhook_secret);
        kms.destroy();
        webhooksEnv = {
          ...env,
          IMGREC_DELIVERIES_TABLE: 'DeliveriesTable',
          IMGREC_DELIVERY_QUEUE_URL: queueUrl(),
          IMGREC_DELIVERY_DLQ_URL: `${webhooksAws.endpoint}/123456789012/DeliveryDLQ`,
          IMGREC_WEBHOOK_SECRETS_TABLE: 'WebhookSecretsTable',
          IMGREC_WEBHOOK_SECRETS_KEY_ARN: KEY_ARN,
          // The receiver listens on loopback, which the SSRF guard refuses unless the host is allow-listed.
          IMGREC_CALLBACK_ALLOW_HOSTS: '127.0.0.1',
          AWS_ENDPOINT_URL_KMS: webhooksAws.endpoint,
          AWS_ENDPOINT_URL_EVENTBRIDGE: webhooksAws.endpoint,
        };
      }, 30_000);

      afterAll(async () => {
        await Promise.all([webhooksAws.stop(), receiver.close()]);
      });

      const requestsTo = (target: string) =>
        webhooksAws.requests.filter((request) => request.target === target).map((request) => request.body);

      /** Runs onRecognitionCompleted on a LabelsDetected for `path`, then deliverCallback on the message it queued. */
      const outcomeToDelivery = async (blobId: string, path: string) => {
        await runBundle(
          handlerOf('webhooks', 'onRecognitionCompleted'),
          webhooksEnv,
          labelsDetected(blobId, `${receiver.origin}${path}`),
        );
        const queued = requestsTo('AmazonSQS.SendMessage').find(
          (body) => JSON.parse(String(body.MessageBody)).blob_id === blobId,
        );
        expect(queued).toEqual({
          QueueUrl: queueUrl(),
          MessageBody: JSON.stringify({
            blob_id: blobId,
            webhook_id: webhookIdForBlob(blobId),
            tenant_id: TEST_TENANT_ID,
          }),
        });
        const messageId = randomUUID();
        const response = await runBundle(handlerOf('webhooks', 'deliverCallback'), webhooksEnv, {
          Records: [
            {
              messageId,
              receiptHandle: `receipt-${blobId}`,
              body: queued?.MessageBody,
              attributes: {
                ApproximateReceiveCount: '1',
                SentTimestamp: String(Date.now()),
                SenderId: 'AROAEXAMPLE:imgrec-webhooks-dev-onRecognitionCompleted',
                ApproximateFirstReceiveTimestamp: String(Date.now()),
              },
              messageAttributes: {},
              md5OfBody: createHash('md5').update(String(queued?.MessageBody)).digest('hex'),
              eventSource: 'aws:sqs',
              eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:DeliveryQueue',
              awsRegion: 'eu-west-1',
            },
          ],
        });
        return { messageId, response };
      };

      it('turns a LabelsDetected with a callback_url into one message signed with each of its tenant’s secrets', async () => {
        const { response } = await outcomeToDelivery('blob_delivered', '/hooks/imgrec');
        expect(response).toEqual({ batchItemFailures: [] });

        const delivered = receiver.requests.filter((request) => request.path === '/hooks/imgrec');
        expect(delivered).toHaveLength(1);
        const headers = delivered[0]?.headers ?? {};
        expect(secrets).toHaveLength(2);
        for (const secret of secrets) {
          expect(
            new Webhook(secret).verify(delivered[0]?.body ?? '', {
              'webhook-id': String(headers['webhook-id']),
              'webhook-timestamp': String(headers['webhook-timestamp']),
              'webhook-signature': String(headers['webhook-signature']),
            }),
          ).toMatchObject({ type: 'blob.labels_detected', data: { blob_id: 'blob_delivered', status: 'succeeded' } });
        }
        // Every secret is decrypted with the stack's key and bound to its tenant.
        expect(requestsTo('TrentService.Decrypt').length).toBeGreaterThanOrEqual(2);
        for (const request of requestsTo('TrentService.Decrypt')) {
          expect(request).toMatchObject({ KeyId: KEY_ARN, EncryptionContext: { tenant_id: TEST_TENANT_ID } });
        }
        expect(
          requestsTo('AWSEvents.PutEvents').flatMap((body) =>
            (body.Entries as { EventBusName: string; Source: string; DetailType: string }[]).map((entry) => [
              entry.EventBusName,
              entry.Source,
              entry.DetailType,
            ]),
          ),
        ).toEqual([[BUS, 'imgrec.webhooks', 'CallbackDelivered']]);
      }, 60_000);

      it('hides a message whose attempt failed until its retry is due, and reports it as a batch item failure', async () => {
        const { messageId, response } = await outcomeToDelivery('blob_failing', '/failing');
        expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: messageId }] });
        // The first retry of the default schedule: 5 s, plus up to 10 % jitter.
        expect(requestsTo('AmazonSQS.ChangeMessageVisibility')).toEqual([
          { QueueUrl: queueUrl(), ReceiptHandle: 'receipt-blob_failing', VisibilityTimeout: expect.any(Number) },
        ]);
        const [hide] = requestsTo('AmazonSQS.ChangeMessageVisibility');
        expect(hide?.VisibilityTimeout).toBeGreaterThanOrEqual(5);
        expect(hide?.VisibilityTimeout).toBeLessThanOrEqual(6);
      }, 60_000);
    });
  });
});
