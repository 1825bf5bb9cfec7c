import type { Database } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventPublisher } from '../events/validate.js';
import { buildLogger, type Logger } from '../logging/logger.js';
import { FsBlobStore, LOCAL_BUCKET, type StoredObject } from './blobStore/FsBlobStore.js';
import { LocalBus } from './bus/LocalBus/LocalBus.js';
import { LocalQueues } from './queues/LocalQueues.js';
import { LocalFunctions } from './runtime/LocalFunctions.js';
import { loadServiceDefinition } from './serverless/loadServiceDefinition.js';
import { openDatabase } from './sqlite/openDatabase.js';

export const SERVICES = ['accounts', 'uploads', 'recognition', 'results', 'webhooks'] as const;
const SERVICES_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../services');

export interface LocalConfig {
  dataDir: string;
  publicUrl: string;
  /** Concurrent batches for the recognition queue: the number of inference workers. */
  recognizerWorkers: number;
}

/** The local mode's settings, read once: IMGREC_DATA_DIR, IMGREC_PUBLIC_URL (or PORT), IMGREC_RECOGNIZER_WORKERS. */
export const localConfigFromEnv = (
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
): LocalConfig => {
  const port = env.PORT ?? '3000';
  const workers = Number(env.IMGREC_RECOGNIZER_WORKERS ?? cores);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('IMGREC_RECOGNIZER_WORKERS must be an integer ≥ 1');
  return {
    dataDir: resolve(env.IMGREC_DATA_DIR ?? '.imgrec'),
    publicUrl: (env.IMGREC_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    recognizerWorkers: workers,
  };
};

/** A secret kept in the data dir, created on first use, so signed URLs survive a restart. */
const persistentSecret = (dataDir: string, name: string): Buffer => {
  const file = join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
};

/** The S3 ObjectCreated notification record for a stored object, as S3 would send it. */
const objectCreatedRecord = (object: StoredObject) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'local',
  eventTime: object.storedAt,
  eventName: 'ObjectCreated:Put',
  s3: {
    s3SchemaVersion: '1.0',
    bucket: { name: LOCAL_BUCKET, arn: `arn:aws:s3:::${LOCAL_BUCKET}` },
    object: { key: object.key, size: object.size, eTag: '', sequencer: Date.now().toString(16) },
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
  private readonly serviceDbs = new Map<string, Database>();
  private readonly closers: (() => Promise<void>)[] = [];
  private ready = false;

  constructor(readonly config: LocalConfig) {
    mkdirSync(config.dataDir, { recursive: true });
    this.log = buildLogger({ mode: 'local' });
    const db = openDatabase(join(config.dataDir, 'platform.db'));
    this.queues = new LocalQueues(db);
    const services = SERVICES.map((service) => loadServiceDefinition(join(SERVICES_DIR, service), service));
    const overrides = Object.fromEntries(
      services
        .filter((service) => service.service === 'recognition')
        .flatMap((service) => service.functions)
        .filter((fn) => fn.events.some((event) => event.kind === 'sqs'))
        // Twice the workers, so the next image is already queued at the pool when a worker frees up.
        .map((fn) => [`${fn.service}.${fn.name}`, config.recognizerWorkers * 2]),
    );
    this.functions = new LocalFunctions(this.queues, services, this.log, overrides);
    this.bus = new LocalBus(this.queues, this.functions.busRoutes, this.log);
    this.bus.onPublished((messageIds) => this.functions.deliverNow(messageIds));
    this.blobStore = new FsBlobStore(db, {
      dataDir: config.dataDir,
      publicUrl: config.publicUrl,
      signingSecret: persistentSecret(config.dataDir, 'upload-signing-key'),
      notify: (object) => {
        const body = JSON.stringify({ Records: [objectCreatedRecord(object)] });
        this.queues.sendToMany(this.functions.s3NotificationQueues.map((queue) => ({ queue, body })));
      },
    });
  }

  publisherFor(source: string): EventPublisher {
    return this.bus.publisherFor(source);
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

/** The process-wide local platform, created from the environment on first use. */
export const localPlatform = (): LocalPlatform => (instance ??= new LocalPlatform(localConfigFromEnv()));
