/** A tiny client of the HTTP API for tests and benchmarks: real HTTP, no shortcuts. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly operatorToken: string,
  ) {}

  async request(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (typeof opts.body === 'string') body = opts.body;
    else if (opts.body instanceof Uint8Array) body = new Uint8Array(opts.body);
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely.
    return { status: res.status, headers: res.headers, body: json as any };
  }

  /** Provisions a device and opts it in; returns its token. */
  async camera(consent = true): Promise<{ deviceId: string; token: string }> {
    const res = await this.request('POST', '/v1/devices', { token: this.operatorToken });
    if (res.status !== 201) throw new Error(`provisioning failed: ${res.status}`);
    if (consent) {
      const c = await this.request('PUT', '/v1/consent', { token: res.body.token, body: { network: true } });
      if (c.status !== 200) throw new Error(`consent failed: ${c.status}`);
    }
    return res.body;
  }

  stats() {
    return this.request('GET', '/v1/ops/stats', { token: this.operatorToken });
  }
}

/** Polls `check` until it returns a value or `timeoutMs` passes: the pipeline is asynchronous. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
