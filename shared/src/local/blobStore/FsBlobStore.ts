import type { Database } from 'better-sqlite3';
import { createWriteStream, mkdirSync, readdirSync, statSync } from 'node:fs';
import { link, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, ImgrecError, NotFoundError } from '../../errors/index.js';
import { IMAGE_LIMITS } from '../../contract/labels.js';
import { isUploadSignatureValid, signUpload, type UploadGrant } from './uploadSignature.js';

export const LOCAL_BUCKET = 'imgrec-local';
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export interface PresignedUpload {
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
  storedAt: string;
}

/**
 * Raised for a PUT that S3 would refuse: an expired or tampered signature, a length other than the signed one, a body
 * too large, or an object that exists already. The local server answers each with its status.
 */
export class UploadRefusedError extends ImgrecError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'UploadRefusedError';
  }
}

const tooLarge = () =>
  new UploadRefusedError('image_too_large', `Images may be at most 15 MB (${IMAGE_LIMITS.maxBytes} bytes).`);

const lengthMismatch = (contentLength: number) =>
  new UploadRefusedError(
    'content_length_mismatch',
    `This upload URL takes exactly ${contentLength} bytes, sent with the header Content-Length: ${contentLength}.`,
  );

/**
 * The local stand-in for the S3 bucket: objects are files under `<dataDir>/objects`, uploads go through URLs signed
 * with HMAC that expire, and every stored object produces an S3-shaped notification on the notification queues.
 * A stored object is never overwritten: the first complete upload wins, like the design's one upload per blob.
 */
export class FsBlobStore {
  private readonly objectsDir: string;
  private readonly incomingDir: string;

  constructor(
    private readonly db: Database,
    private readonly config: {
      dataDir: string;
      publicUrl: string;
      signingSecret: Buffer;
      /** Called inside the transaction that records a stored object: queue its ObjectCreated notification. */
      notify: (object: StoredObject) => void;
    },
  ) {
    this.objectsDir = join(config.dataDir, 'objects');
    this.incomingDir = join(config.dataDir, 'incoming');
    mkdirSync(this.objectsDir, { recursive: true });
    mkdirSync(this.incomingDir, { recursive: true });
    db.exec(`CREATE TABLE IF NOT EXISTS stored_objects (
      key TEXT PRIMARY KEY, size INTEGER NOT NULL, content_type TEXT NOT NULL, stored_at TEXT NOT NULL)`);
  }

  /**
   * A URL to PUT the object to until `expiresInSeconds` from `now`. With `contentLength`, the URL takes exactly that
   * many bytes, and the client must send the header in `headers`; without it, any size up to the limit.
   */
  presignUpload(
    key: string,
    expiresInSeconds: number,
    options: { contentLength?: number; now?: Date } = {},
  ): PresignedUpload {
    this.assertKey(key);
    const { contentLength, now = new Date() } = options;
    const expires = Math.floor(now.getTime() / 1000) + expiresInSeconds;
    const grant: UploadGrant = { key, contentLength, expires };
    const query = new URLSearchParams({
      ...(contentLength !== undefined && { 'content-length': String(contentLength) }),
      expires: String(expires),
      signature: signUpload(this.config.signingSecret, grant),
    });
    return {
      url: `${this.config.publicUrl}/uploads/${key}?${query.toString()}`,
      headers: contentLength === undefined ? {} : { 'Content-Length': String(contentLength) },
      expiresAt: new Date(expires * 1000),
    };
  }

  /**
   * Stores an upload arriving through a presigned URL, streaming it to disk. The Content-Type the client sent, if
   * any, is recorded as S3 would record it; it is never checked.
   * @throws UploadRefusedError 403 for a bad or expired signature or, on a URL bound to a length, a Content-Length
   *   header or body of another size; 413 past the size limit; 409 when the object already exists.
   */
  async receiveUpload(request: {
    key: string;
    query: URLSearchParams;
    contentType: string | undefined;
    contentLength: number | undefined;
    body: Readable;
  }): Promise<StoredObject> {
    const { key, query } = request;
    const boundLength = query.get('content-length');
    const grant: UploadGrant = {
      key,
      ...(boundLength !== null && { contentLength: Number(boundLength) }),
      expires: Number(query.get('expires')),
    };
    if (
      !KEY_PATTERN.test(key) ||
      !isUploadSignatureValid(this.config.signingSecret, grant, query.get('signature') ?? '')
    ) {
      throw new UploadRefusedError('invalid_signature', 'The upload URL is not valid. Request a new one.');
    }
    if (!Number.isFinite(grant.expires) || grant.expires * 1000 < Date.now()) {
      throw new UploadRefusedError('upload_url_expired', 'The upload URL has expired. Request a new one.');
    }
    if (request.contentLength !== undefined && request.contentLength > IMAGE_LIMITS.maxBytes) throw tooLarge();
    if (grant.contentLength !== undefined && request.contentLength !== grant.contentLength) {
      throw lengthMismatch(grant.contentLength);
    }
    if (this.find(key)) throw new UploadRefusedError('already_uploaded', 'This blob already has an image.');
    return this.store(key, request.contentType ?? 'application/octet-stream', request.body, grant.contentLength);
  }

  find(key: string): StoredObject | undefined {
    const row = this.db
      .prepare('SELECT key, size, content_type, stored_at FROM stored_objects WHERE key = ?')
      .get(key) as { key: string; size: number; content_type: string; stored_at: string } | undefined;
    return row && { key: row.key, size: row.size, contentType: row.content_type, storedAt: row.stored_at };
  }

  /** The first `length` bytes of an object (fewer if it is shorter), and its full size. */
  async readHead(key: string, length: number): Promise<{ head: Buffer; size: number }> {
    const handle = await open(this.pathOf(key), 'r').catch(() => {
      throw new NotFoundError('object_not_found', `No object ${key}`);
    });
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(Math.min(length, size));
      await handle.read(buffer, 0, buffer.length, 0);
      return { head: buffer, size };
    } finally {
      await handle.close();
    }
  }

  async read(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  /**
   * Records objects whose file landed but whose record and notification did not, because the process died between
   * the two. Run at start, before serving. Returns the keys recovered.
   */
  recoverUnrecorded(): string[] {
    const recovered = readdirSync(this.objectsDir).filter((key) => KEY_PATTERN.test(key) && !this.find(key));
    for (const key of recovered) {
      this.record({
        key,
        size: statSync(this.pathOf(key)).size,
        contentType: 'application/octet-stream',
        storedAt: new Date().toISOString(),
      });
    }
    return recovered;
  }

  /** Deletes an object and its record. Deleting an object that is not there is no error, as in S3. */
  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
    this.db.prepare('DELETE FROM stored_objects WHERE key = ?').run(key);
  }

  /**
   * Deletes every image stored before `storedBefore` (the image retention), file and record: the local stand-in for
   * the bucket's lifecycle rule. Returns the keys deleted.
   */
  async sweepImages(storedBefore: Date): Promise<string[]> {
    const expired = this.db
      .prepare<[string], { key: string }>('SELECT key FROM stored_objects WHERE stored_at < ?')
      .all(storedBefore.toISOString())
      .map((row) => row.key);
    for (const key of expired) await this.delete(key);
    return expired;
  }

  private async store(
    key: string,
    contentType: string,
    body: Readable,
    boundLength: number | undefined,
  ): Promise<StoredObject> {
    const incoming = join(this.incomingDir, `${key}.${randomUUID()}`);
    let size = 0;
    try {
      await pipeline(
        body,
        async function* limit(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (boundLength !== undefined && size > boundLength) throw lengthMismatch(boundLength);
            if (size > IMAGE_LIMITS.maxBytes) throw tooLarge();
            yield chunk;
          }
        },
        createWriteStream(incoming, { flags: 'wx' }),
      );
      if (boundLength !== undefined && size !== boundLength) throw lengthMismatch(boundLength);
      const handle = await open(incoming, 'r');
      await handle.sync();
      await handle.close();
      // link() fails if the name exists, so two racing uploads cannot both win.
      await link(incoming, this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') throw new ConflictError('already_uploaded', 'This blob already has an image.');
        throw error;
      });
    } finally {
      await rm(incoming, { force: true });
    }
    const object: StoredObject = { key, size, contentType, storedAt: new Date().toISOString() };
    this.record(object);
    return object;
  }

  private record(object: StoredObject): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO stored_objects (key, size, content_type, stored_at) VALUES (?, ?, ?, ?)')
        .run(object.key, object.size, object.contentType, object.storedAt);
      this.config.notify(object);
    })();
  }

  private pathOf(key: string): string {
    this.assertKey(key);
    return join(this.objectsDir, key);
  }

  private assertKey(key: string): void {
    if (!KEY_PATTERN.test(key)) throw new Error(`Invalid object key ${JSON.stringify(key)}`);
  }
}
