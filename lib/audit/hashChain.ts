/**
 * The audit log's hash chain: each entry commits to its predecessor's hash, so changing,
 * removing or reordering any stored entry breaks every hash after it. Pure: hashing is
 * injected (SHA-256 hex in production).
 */
import { canonicalJson } from '../util/canonicalJson.ts';

/** What is audited, before it is chained. */
export interface AuditFact {
  /** ISO time of the action. */
  at: string;
  actor: { role: string; id: string };
  /** Stable action name, e.g. `device.revoke`, `legal.export`, `insurer.query`. */
  action: string;
  /** What the action was about: a request id, an insurer id, a hashed device reference. */
  target?: string;
  details?: Record<string, string | number | boolean>;
}

/** A chained entry as stored. */
export interface AuditEntry extends AuditFact {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Hash of an entry: sha256(prevHash + canonical JSON of seq and the fact). */
export function entryHash(
  seq: number,
  prevHash: string,
  fact: AuditFact,
  sha256: (data: string) => string,
): string {
  const { at, actor, action, target, details } = fact;
  return sha256(prevHash + canonicalJson({ seq, at, actor, action, target, details }));
}

/** The entry that follows `prev` (or starts the chain when `prev` is undefined). */
export function chainEntry(
  prev: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  fact: AuditFact,
  sha256: (data: string) => string,
): AuditEntry {
  const seq = prev ? prev.seq + 1 : 1;
  const prevHash = prev ? prev.hash : GENESIS_HASH;
  return { ...fact, seq, prevHash, hash: entryHash(seq, prevHash, fact, sha256) };
}

/** Result of {@link verifyChain}: intact, or the first entry at which the chain breaks. */
export type ChainVerdict =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; brokenAtSeq: number; reason: 'gap' | 'prev-hash' | 'hash' };

/**
 * Verifies entries in seq order: consecutive seqs from 1, each `prevHash` equal to the previous
 * hash, each `hash` recomputed from its content.
 *
 * @example verifyChain(entries, (s) => createHash('sha256').update(s).digest('hex'))
 */
export function verifyChain(entries: readonly AuditEntry[], sha256: (data: string) => string): ChainVerdict {
  let prevHash = GENESIS_HASH;
  for (const [i, e] of entries.entries()) {
    const broken = (reason: 'gap' | 'prev-hash' | 'hash'): ChainVerdict => ({
      ok: false,
      entries: entries.length,
      brokenAtSeq: e.seq,
      reason,
    });
    if (e.seq !== i + 1) return broken('gap');
    if (e.prevHash !== prevHash) return broken('prev-hash');
    if (entryHash(e.seq, e.prevHash, e, sha256) !== e.hash) return broken('hash');
    prevHash = e.hash;
  }
  return { ok: true, entries: entries.length, head: prevHash };
}
