import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * A folder of files addressed by slash-separated keys: the local stack's stand-in for an S3
 * bucket (insurer exports, OTA artefacts). A key never escapes the folder, and a write is made
 * aside and renamed, so a reader never sees half a file.
 */
export class LocalFolder {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const p = resolve(this.root, key);
    // A key never escapes the folder (`..` in a crafted download URL).
    if (!p.startsWith(this.root + sep)) throw new Error(`key outside the store: ${key}`);
    return p;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(`${p}.part`, bytes);
    await rename(`${p}.part`, p);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch {
      return undefined;
    }
  }

  /** Keys under a prefix, sorted. */
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
        else if (!e.name.endsWith('.part')) out.push(relative(this.root, p).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return out.filter((k) => k.startsWith(prefix)).sort();
  }
}

/**
 * Expiring URLs of the local API signed with an HMAC over a purpose, the key and the expiry:
 * the local stand-in for S3 presigned URLs. The purpose is signed too, so a URL made for one
 * route never opens another.
 */
export class SignedUrls {
  constructor(private readonly urlKey: string) {}

  private sign(purpose: string, key: string, expiresAtMs: number): string {
    return createHmac('sha256', this.urlKey).update(`${purpose}${key}\n${expiresAtMs}`).digest('base64url');
  }

  /** `baseUrl` + `path` with `key`, `expires` and `sig` in the query. */
  url(purpose: string, path: string, key: string, expiresAtMs: number, baseUrl: string): string {
    const u = new URL(path, baseUrl);
    u.searchParams.set('key', key);
    u.searchParams.set('expires', String(expiresAtMs));
    u.searchParams.set('sig', this.sign(purpose, key, expiresAtMs));
    return u.toString();
  }

  /** Whether a URL's signature holds for this purpose and it has not expired (constant-time). */
  verify(purpose: string, key: string, expiresAtMs: number, signature: string, nowMs: number): boolean {
    if (!(expiresAtMs > nowMs)) return false;
    const a = Buffer.from(this.sign(purpose, key, expiresAtMs));
    const b = Buffer.from(signature);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
