/**
 * Deterministic id of a hazard from what identifies the incident, so a replayed batch or a
 * retried invocation computes the same id and a conditional create cannot make a second one.
 * FNV-1a, two 32-bit lanes: ids, not security.
 */
export function hazardId(parts: readonly (string | number)[]): string {
  const s = parts.join('|');
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    h2 ^= h2 >>> 13;
  }
  return `hz_${h1.toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}
