/**
 * `dashnet audit verify --api URL [--operator-token T]` — asks a running stack (local or AWS)
 * to recompute its audit hash chain (`GET /v1/ops/audit/verify`) and reports the verdict.
 * Through the API rather than the tables, so it works the same against a deployed stack and
 * needs no AWS credentials, only the operator token (`--operator-token` or
 * DASHNET_OPERATOR_TOKEN). Exit 0 intact, 1 tampered, 2 bad arguments or unreachable API.
 */
import { ENV } from '../../lib/resources.ts';
import { ArgsError, parseOptions } from './args.ts';

/** Runs `dashnet audit <sub>`; returns the exit status. */
export async function auditCommand(
  argv: readonly string[],
  io: { log: (line: string) => void; fetch?: typeof fetch } = { log: (l) => console.log(l) },
): Promise<number> {
  try {
    const [sub, ...rest] = argv;
    if (sub !== 'verify') throw new ArgsError(`usage: dashnet audit verify --api URL [--operator-token T]`);
    const opts = parseOptions(rest, ['api', 'operator-token']);
    const api = opts.get('api')?.at(-1);
    if (!api) throw new ArgsError('--api URL is required');
    const token = opts.get('operator-token')?.at(-1) ?? process.env[ENV.operatorToken];
    if (!token) throw new ArgsError(`--operator-token or ${ENV.operatorToken} is required`);
    const res = await (io.fetch ?? fetch)(new URL('/v1/ops/audit/verify', api), {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new ArgsError(`audit verify failed: HTTP ${res.status}`);
    const verdict = (await res.json()) as {
      ok: boolean;
      entries: number;
      head?: string;
      brokenAtSeq?: number;
      reason?: string;
    };
    if (verdict.ok) {
      io.log(`audit log intact: ${verdict.entries} entries, head ${verdict.head}`);
      return 0;
    }
    io.log(
      `audit log TAMPERED at entry ${verdict.brokenAtSeq} (${verdict.reason}); ${verdict.entries} entries read`,
    );
    return 1;
  } catch (err) {
    io.log(err instanceof ArgsError ? err.message : `audit verify failed: ${String(err)}`);
    return 2;
  }
}
