import {
  assertCallbackUrlAllowed,
  createLogger,
  validateDomainEvent,
  type Clock,
  type CounterName,
  type DomainEvent,
} from '@imgrec/shared';
import { FsBlobStore, PrometheusMetrics, openDatabase } from '@imgrec/shared/local';
import type { Database } from 'better-sqlite3';
import { captureLogs, type CapturedLogs } from '@imgrec/shared/testing';
import { afterEach, beforeEach } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSqliteQuotaCounter } from '../adapters/sqliteQuotaCounter/sqliteQuotaCounter.js';
import { buildSqliteUploadsRepository } from '../adapters/sqliteUploadsRepository/sqliteUploadsRepository.js';
import type { UploadsDeps } from '../ports.js';

/** The one callback host the test wiring exempts from the public-address rules, as local mode exempts localhost. */
export const TEST_CALLBACK_HOST = 'hooks.example.com';

export interface LocalUploads {
  deps: UploadsDeps;
  /** The SQLite database the repository and the quota counter keep their rows in, as local mode's uploads.db. */
  db: Database;
  /** Every event published, in order; each was checked against the catalogue as the bus checks it. */
  published: DomainEvent[];
  /** The keys deleteObject was asked to delete, in order. */
  deleted: string[];
  /** How many uploads the repository holds. */
  uploadCount(): number;
  /** The value of one of the service's counters. */
  counted(name: CounterName): Promise<number>;
  /** The log lines written during the test. */
  logs: CapturedLogs;
}

/**
 * The uploads service wired as local mode wires it, afresh for each test of the calling suite, with the test's log
 * lines captured (tests only): SQLite repositories in memory, the local blob store's signed upload URLs, the real
 * callback URL check, Prometheus counters, and a logger of the service's name, new for each test so that no test
 * sees the keys another appended. Two ports record instead: the publisher, since the bus is not what these tests
 * check, and deleteObject, since only S3 ever holds an object over the size limit (the local store refuses one as it
 * arrives). `now` is the clock of the use cases and of the upload URLs. The fields read the running test's wiring.
 */
export const useLocalUploads = (now: Clock): LocalUploads => {
  let current: { uploads: Omit<LocalUploads, 'logs'>; logs: CapturedLogs; close(): void } | undefined;
  beforeEach(() => {
    current = { ...localUploads(now), logs: captureLogs() };
  });
  afterEach(() => {
    current?.logs.restore();
    current?.close();
    current = undefined;
  });
  const test = () => {
    if (current === undefined) throw new Error('useLocalUploads: read its fields inside a test');
    return current;
  };
  return {
    get deps() {
      return test().uploads.deps;
    },
    get db() {
      return test().uploads.db;
    },
    get published() {
      return test().uploads.published;
    },
    get deleted() {
      return test().uploads.deleted;
    },
    get logs() {
      return test().logs;
    },
    uploadCount: () => test().uploads.uploadCount(),
    counted: (name) => test().uploads.counted(name),
  };
};

const localUploads = (now: Clock): { uploads: Omit<LocalUploads, 'logs'>; close(): void } => {
  const uploadsDb = openDatabase(':memory:');
  const platformDb = openDatabase(':memory:');
  const dataDir = mkdtempSync(join(tmpdir(), 'imgrec-uploads-'));
  const blobStore = new FsBlobStore(platformDb, {
    dataDir,
    publicUrl: 'http://127.0.0.1:3000',
    signingSecret: randomBytes(32),
    notify: () => undefined,
  });
  const metrics = new PrometheusMetrics();
  const published: DomainEvent[] = [];
  const deleted: string[] = [];
  const uploads: Omit<LocalUploads, 'logs'> = {
    deps: {
      repository: buildSqliteUploadsRepository(uploadsDb, now),
      quotaCounter: buildSqliteQuotaCounter(uploadsDb),
      presignUpload: async (key, expiresInSeconds, contentLength) =>
        blobStore.presignUpload(key, expiresInSeconds, { contentLength, now: now() }),
      deleteObject: async (key) => void deleted.push(key),
      checkCallbackUrl: async (url) => {
        await assertCallbackUrlAllowed(url, { allowHosts: [TEST_CALLBACK_HOST] });
      },
      publisher: {
        publish: async (...events) => {
          events.forEach(validateDomainEvent);
          published.push(...events);
        },
      },
      uploadUrlTtlSeconds: 600,
      defaultMinConfidence: 30,
      now,
      log: createLogger('uploads'),
      metrics: metrics.forService('uploads'),
    },
    db: uploadsDb,
    published,
    deleted,
    uploadCount: () => (uploadsDb.prepare('SELECT COUNT(*) AS n FROM uploads').get() as { n: number }).n,
    counted: async (name) => {
      const counter = await metrics.registry.getSingleMetric(`imgrec_${name}_total`)?.get();
      return (counter?.values ?? []).reduce((sum, { value }) => sum + value, 0);
    },
  };
  return {
    uploads,
    close: () => {
      uploadsDb.close();
      platformDb.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
