import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { LocalFolder, SignedUrls } from './localFolder.ts';

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
  private readonly folder: LocalFolder;
  private readonly urls: SignedUrls;

  constructor(root: string, urlKey: string) {
    this.folder = new LocalFolder(root);
    this.urls = new SignedUrls(urlKey);
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.folder.put(key, bytes);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.folder.get(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.folder.list(prefix);
  }

  async urlFor(key: string, expiresAtMs: number, baseUrl: string): Promise<string> {
    return this.urls.url('', LOCAL_DOWNLOAD_PATH, key, expiresAtMs, baseUrl);
  }

  verifyUrl(key: string, expiresAtMs: number, signature: string, nowMs: number): boolean {
    return this.urls.verify('', key, expiresAtMs, signature, nowMs);
  }
}
