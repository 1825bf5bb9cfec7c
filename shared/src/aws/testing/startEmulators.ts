import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { buildS3Client } from '../buildS3Client/buildS3Client.js';

/** The region and credentials every emulator client uses; s3rver only knows the S3RVER key pair. */
export const EMULATOR_CLIENT_CONFIG = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
} as const;

export interface S3Emulator {
  /** A client configured the way s3rver needs: path-style URLs, checksums only where required. */
  client: S3Client;
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver in this process on a free port, with the given buckets, storing objects in a temporary folder
 * that stop() removes. For adapter tests only: s3rver does not verify SigV4 signatures.
 */
export const startS3Emulator = async (buckets: readonly string[]): Promise<S3Emulator> => {
  const directory = mkdtempSync(join(tmpdir(), 'imgrec-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = buildS3Client({ ...EMULATOR_CLIENT_CONFIG, endpoint, forcePathStyle: true });
  return {
    client,
    endpoint,
    stop: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
};

export interface DynamoEmulator {
  /** Pass to a DynamoDBClient together with {@link EMULATOR_CLIENT_CONFIG}. */
  endpoint: string;
  /** A fresh document client on the emulator (each has its own connections, as separate writers would). */
  newDocumentClient(): DynamoDBDocumentClient;
  /** Destroys every client handed out, then stops the server. */
  stop(): Promise<void>;
}

/** Starts dynalite in this process on a free port, in memory, with tables that are ACTIVE at once. */
export const startDynamoEmulator = async (): Promise<DynamoEmulator> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBDocumentClient[] = [];
  return {
    endpoint,
    newDocumentClient: () => {
      const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...EMULATOR_CLIENT_CONFIG, endpoint }));
      clients.push(client);
      return client;
    },
    stop: () => {
      for (const client of clients) client.destroy();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};

/**
 * Creates an on-demand table keyed by one string attribute, the shape of every imgrec table, on the emulator
 * `client` talks to.
 */
export const createHashKeyTable = async (
  client: { send(command: CreateTableCommand): Promise<unknown> },
  tableName: string,
  hashKey: string,
): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
    }),
  );
};

/**
 * The AWS settings an operator's shell would carry, pointed at a DynamoDB emulator: for commands that build their own
 * clients from the environment (tests only).
 */
export const operatorEnvFor = (dynamo: Pick<DynamoEmulator, 'endpoint'>): Record<string, string> => ({
  AWS_REGION: EMULATOR_CLIENT_CONFIG.region,
  AWS_ACCESS_KEY_ID: EMULATOR_CLIENT_CONFIG.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: EMULATOR_CLIENT_CONFIG.credentials.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
});
