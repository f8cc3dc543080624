import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * Where insurer exports live: S3 on AWS, a folder locally. Keys are `insurers/<insurerId>/…`,
 * so one insurer's files share a prefix no other insurer's listing ever reads; a download URL is
 * signed for one key and expires (S3 presigned GET; locally an HMAC-signed URL the same function
 * checks), so a URL handed to one insurer opens exactly one of its files.
 */
export interface ExportStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** A URL that opens `key` until `expiresAtMs`; `baseUrl` is the API's own origin (local store). */
  urlFor(key: string, expiresAtMs: number, baseUrl: string): Promise<string>;
  /** Local store only: whether a download URL's signature holds (S3 checks its own). */
  verifyUrl?(key: string, expiresAtMs: number, signature: string, nowMs: number): boolean;
}

/** The prefix of an insurer's exports. */
export const insurerPrefix = (insurerId: string) => `insurers/${encodeURIComponent(insurerId)}/`;

/** Exports in an S3 bucket (SSE and TLS enforced by the bucket, see cdk/constructs/ExportsBucket.ts). */
export class S3ExportStore implements ExportStore {
  constructor(
    private readonly bucket: string,
    private readonly s3 = new S3Client({}),
  ) {}

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return res.Body ? await res.Body.transformToByteArray() : undefined;
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of res.Contents ?? []) if (o.Key) out.push(o.Key);
      token = res.NextContinuationToken;
    } while (token);
    return out.sort();
  }

  async urlFor(key: string, expiresAtMs: number, _baseUrl: string): Promise<string> {
    // SigV4 presigned URLs last at most 7 days (S3 user guide, "Sharing objects with presigned URLs").
    const expiresIn = Math.max(1, Math.min(7 * 86_400, Math.floor((expiresAtMs - Date.now()) / 1000)));
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }
}

/** The local stack's route that serves a signed download URL (`functions/http/exports.ts`). */
export const LOCAL_DOWNLOAD_PATH = '/v1/insights/exports/download';

/** Exports in a local folder, downloads through HMAC-signed URLs of the local API. */
export class LocalExportStore implements ExportStore {
  private readonly root: string;

  constructor(
    root: string,
    private readonly urlKey: string,
  ) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const p = resolve(this.root, key);
    // A key never escapes the folder (`..` in a crafted download URL).
    if (!p.startsWith(this.root + sep)) throw new Error(`export key outside the store: ${key}`);
    return p;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, bytes);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch {
      return undefined;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else out.push(relative(this.root, p).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return out.filter((k) => k.startsWith(prefix)).sort();
  }

  private sign(key: string, expiresAtMs: number): string {
    return createHmac('sha256', this.urlKey).update(`${key}\n${expiresAtMs}`).digest('base64url');
  }

  async urlFor(key: string, expiresAtMs: number, baseUrl: string): Promise<string> {
    const u = new URL(LOCAL_DOWNLOAD_PATH, baseUrl);
    u.searchParams.set('key', key);
    u.searchParams.set('expires', String(expiresAtMs));
    u.searchParams.set('sig', this.sign(key, expiresAtMs));
    return u.toString();
  }

  verifyUrl(key: string, expiresAtMs: number, signature: string, nowMs: number): boolean {
    if (!(expiresAtMs > nowMs)) return false;
    const a = Buffer.from(this.sign(key, expiresAtMs));
    const b = Buffer.from(signature);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
