import type { Database } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventPublisher } from '../events/validate.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { FsBlobStore, LOCAL_BUCKET, type StoredObject } from './blobStore/FsBlobStore.js';
import { LOCAL_REGION, LocalBus } from './bus/LocalBus/LocalBus.js';
import { ensureSigningKey } from './keyFile/keyFile.js';
import { secureDataDir } from './secureDataDir/secureDataDir.js';
import { LocalQueues } from './queues/LocalQueues.js';
import { PrometheusMetrics } from './metrics/prometheusMetrics.js';
import { LocalFunctions } from './runtime/LocalFunctions.js';
import { loadServiceDefinition, type ServiceDefinition } from './serverless/loadServiceDefinition.js';
import { openDatabase } from './sqlite/openDatabase.js';

export const SERVICES = ['accounts', 'uploads', 'recognition', 'results', 'webhooks'] as const;
const SERVICES_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../services');

export interface LocalConfig {
  dataDir: string;
  publicUrl: string;
}

/** The local platform's settings, read once: IMGREC_DATA_DIR, and IMGREC_PUBLIC_URL (or PORT). */
export const localConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): LocalConfig => {
  const port = env.PORT ?? '3000';
  return {
    dataDir: resolve(env.IMGREC_DATA_DIR ?? '.imgrec'),
    publicUrl: (env.IMGREC_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
  };
};

export interface LocalPlatformOptions {
  /**
   * Concurrent batches per function, `<service>.<function>` → count, for event sources whose serverless.yml value
   * is a deploy-time parameter with no local value. The local entry sets the recognition queue's from the number of
   * inference workers.
   */
  functionConcurrency?: Record<string, number>;
  /** The services to run; by default every service of this repository, read from its serverless.yml. */
  services?: readonly ServiceDefinition[];
}

/**
 * The S3 ObjectCreated notification record for a stored object, with every field S3 sends (checked against
 * Powertools' schema of S3 events), so a handler meets the same shape in both modes.
 */
export const objectCreatedRecord = (object: StoredObject) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: LOCAL_REGION,
  eventTime: object.storedAt,
  eventName: 'ObjectCreated:Put',
  userIdentity: { principalId: 'AWS:LOCAL' },
  requestParameters: { sourceIPAddress: '127.0.0.1' },
  responseElements: { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), 'x-amz-id-2': 'local' },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'local-notification',
    bucket: {
      name: LOCAL_BUCKET,
      ownerIdentity: { principalId: 'LOCAL' },
      arn: `arn:aws:s3:::${LOCAL_BUCKET}`,
    },
    object: {
      key: object.key,
      size: object.size,
      sequencer: Date.parse(object.storedAt).toString(16).toUpperCase().padStart(16, '0'),
    },
  },
});

/**
 * Everything the services share in local mode, built once per process: the platform database (queues, bus
 * outbox, object records), the blob store, the functions wired from serverless.yml, and each service's own DB.
 */
export class LocalPlatform {
  readonly queues: LocalQueues;
  readonly blobStore: FsBlobStore;
  readonly functions: LocalFunctions;
  readonly bus: LocalBus;
  readonly log: Logger;
  /** The counters of every service in this process, served by `GET /metrics`. */
  readonly metrics = new PrometheusMetrics();
  private readonly serviceDbs = new Map<string, Database>();
  private readonly closers: (() => Promise<void>)[] = [];
  private ready = false;

  constructor(
    readonly config: LocalConfig,
    options: LocalPlatformOptions = {},
  ) {
    secureDataDir(config.dataDir);
    this.log = createLogger('local');
    const db = openDatabase(join(config.dataDir, 'platform.db'));
    this.queues = new LocalQueues(db);
    const services =
      options.services ?? SERVICES.map((service) => loadServiceDefinition(join(SERVICES_DIR, service), service));
    this.functions = new LocalFunctions(this.queues, services, this.log, options.functionConcurrency);
    this.bus = new LocalBus(this.queues, this.functions.busRoutes, this.log);
    this.bus.onPublished((messageIds) => this.functions.deliverNow(messageIds));
    this.blobStore = new FsBlobStore(db, {
      dataDir: config.dataDir,
      publicUrl: config.publicUrl,
      signingSecret: this.uploadSigningKey(),
      notify: (object) => {
        const body = JSON.stringify({ Records: [objectCreatedRecord(object)] });
        this.queues.sendToMany(this.functions.s3NotificationQueues.map((queue) => ({ queue, body })));
      },
    });
  }

  /** The key upload URLs are signed with, kept in the data dir so they survive a restart. */
  private uploadSigningKey(): Buffer {
    const { key, replaced } = ensureSigningKey(join(this.config.dataDir, 'upload-signing-key'));
    if (replaced) this.log.warn('the upload signing key was shorter than 32 bytes; a new one replaces it');
    return key;
  }

  publisherFor(source: string): EventPublisher {
    return this.bus.publisherFor(source);
  }

  /** The Metrics port of one service: its counts land in the counters `GET /metrics` serves. */
  metricsFor(service: string): Metrics {
    return this.metrics.forService(service);
  }

  /** The SQLite database a service owns, `<dataDir>/<service>.db`, opened once. */
  openServiceDb(service: string): Database {
    let db = this.serviceDbs.get(service);
    if (!db) {
      db = openDatabase(join(this.config.dataDir, `${service}.db`));
      this.serviceDbs.set(service, db);
    }
    return db;
  }

  /** Whether every function has finished its init (the model is loaded): what `GET /health` reports. */
  isReady(): boolean {
    return this.ready;
  }

  markReady(): void {
    this.ready = true;
  }

  /** Registers work to do at shutdown (closing worker threads, flushing). */
  onClose(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  async close(): Promise<void> {
    await this.functions.stop();
    await Promise.allSettled(this.closers.map((close) => close()));
    for (const db of this.serviceDbs.values()) db.close();
  }
}

let instance: LocalPlatform | undefined;

/**
 * The process-wide local platform, created from the environment on first use. The local entry passes its options
 * with the first call, before any handler asks for the platform; later calls get the same instance.
 */
export const localPlatform = (options?: LocalPlatformOptions): LocalPlatform =>
  (instance ??= new LocalPlatform(localConfigFromEnv(), options));
