import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../util/canonicalJson.ts';
import { type AuditEntry, type AuditFact, chainEntry, verifyChain } from './hashChain.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const fact: AuditFact = {
      at: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
      actor: { role: 'operator', id: 'root' },
      action: 'device.provision',
      details: { n: i },
    };
    out.push(chainEntry(out.at(-1), fact, sha256));
  }
  return out;
}

describe('audit hash chain', () => {
  it('verifies an untouched chain', () => {
    expect(verifyChain(chain(5), sha256)).toMatchObject({ ok: true, entries: 5 });
  });

  it('detects an entry whose content was changed', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, action: 'nothing.to.see' };
    expect(verifyChain(entries, sha256)).toMatchObject({ ok: false, brokenAtSeq: 3, reason: 'hash' });
  });

  it('detects a removed entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyChain(entries, sha256)).toMatchObject({ ok: false, brokenAtSeq: 3, reason: 'gap' });
  });

  it('detects a rewritten tail whose hashes were recomputed from a forged entry', () => {
    const entries = chain(3);
    const forged = chainEntry(undefined, { ...entries[0]!, action: 'forged' }, sha256);
    expect(verifyChain([forged, entries[1]!, entries[2]!], sha256)).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      reason: 'prev-hash',
    });
  });

  it('hashes objects independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});
