import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ARTEFACTS_PREFIX } from '../../lib/resources.ts';
import { LocalFolder, SignedUrls } from './localFolder.ts';

/** Where an artefact version's bytes live: `artefacts/<kind>/<name>/<version>/<sha256>`. */
export function artefactBlobKey(kind: string, name: string, version: string, sha256: string): string {
  return `${ARTEFACTS_PREFIX}${kind}/${name}/${version}/${sha256}`;
}

/**
 * The artefacts' bytes: S3 on AWS (the versioned artifacts bucket), a folder locally. A key is
 * written once per version and content hash; cameras fetch through an expiring URL (S3
 * presigned GET; locally an HMAC-signed URL of the API's download route). The store is not
 * trusted for integrity: cameras check size, SHA-256 and the signed manifest before use, so a
 * swapped object is refused, not run (docs/ota.md, threat model).
 */
export interface ArtefactBlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** A URL that opens `key` until `expiresAtMs`; `baseUrl` is the API's own origin (local store). */
  urlFor(key: string, expiresAtMs: number, baseUrl: string): Promise<string>;
  /** Local store only: whether a download URL's signature holds (S3 checks its own). */
  verifyUrl?(key: string, expiresAtMs: number, signature: string, nowMs: number): boolean;
  /**
   * A URL that accepts one PUT of `key`'s bytes until `expiresAtMs`: how artefacts too large
   * for a request body reach the store (S3 presigned PUT; locally an HMAC-signed URL of the API).
   * Nothing uploaded is trusted: the registry re-reads and verifies the bytes before publishing.
   */
  uploadUrlFor(key: string, expiresAtMs: number, baseUrl: string): Promise<string>;
  /** Local store only: whether an upload URL's signature holds. */
  verifyUploadUrl?(key: string, expiresAtMs: number, signature: string, nowMs: number): boolean;
}

/** Artefact bytes in S3 (SSE, TLS-only and versioning set by the bucket: cdk/constructs/ArtifactsBucket.ts). */
export class S3ArtefactBlobStore implements ArtefactBlobStore {
  constructor(
    private readonly bucket: string,
    private readonly s3 = new S3Client({}),
  ) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'application/octet-stream',
      }),
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

  async urlFor(key: string, expiresAtMs: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInS(expiresAtMs),
    });
  }

  async uploadUrlFor(key: string, expiresAtMs: number): Promise<string> {
    return getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: 'application/octet-stream' }),
      { expiresIn: expiresInS(expiresAtMs) },
    );
  }
}

/** SigV4 presigned URLs last at most 7 days (S3 user guide, "Sharing objects with presigned URLs"). */
const expiresInS = (expiresAtMs: number) =>
  Math.max(1, Math.min(7 * 86_400, Math.floor((expiresAtMs - Date.now()) / 1000)));

/** The local stack's download route for artefact bytes (`functions/http/artefacts.ts`). */
export const LOCAL_ARTEFACT_DOWNLOAD_PATH = '/v1/artefacts/download';
/** The local stack's upload route for artefact bytes (the S3 presigned PUT's stand-in). */
export const LOCAL_ARTEFACT_UPLOAD_PATH = '/v1/artefacts/upload';

/** Artefact bytes in a local folder, downloads through HMAC-signed URLs of the local API. */
export class LocalArtefactBlobStore implements ArtefactBlobStore {
  private readonly folder: LocalFolder;
  private readonly urls: SignedUrls;

  constructor(root: string, urlKey: string) {
    this.folder = new LocalFolder(root);
    this.urls = new SignedUrls(urlKey);
  }

  /** Written aside and renamed: a reader never sees half an artefact. */
  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.folder.put(key, bytes);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.folder.get(key);
  }

  // The purpose is signed too: a download URL never opens an upload, nor the reverse.
  async urlFor(key: string, expiresAtMs: number, baseUrl: string): Promise<string> {
    return this.urls.url(GET, LOCAL_ARTEFACT_DOWNLOAD_PATH, key, expiresAtMs, baseUrl);
  }

  verifyUrl(key: string, expiresAtMs: number, signature: string, nowMs: number): boolean {
    return this.urls.verify(GET, key, expiresAtMs, signature, nowMs);
  }

  async uploadUrlFor(key: string, expiresAtMs: number, baseUrl: string): Promise<string> {
    return this.urls.url(PUT, LOCAL_ARTEFACT_UPLOAD_PATH, key, expiresAtMs, baseUrl);
  }

  verifyUploadUrl(key: string, expiresAtMs: number, signature: string, nowMs: number): boolean {
    return this.urls.verify(PUT, key, expiresAtMs, signature, nowMs);
  }
}

const GET = 'artefact-get\n';
const PUT = 'artefact-put\n';
