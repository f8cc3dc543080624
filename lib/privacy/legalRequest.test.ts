import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HeadingSector } from '../hazards/headingSector.ts';
import type { BucketEntry } from '../hazards/slidingWindow.ts';
import type { EpochMinute } from '../time/epochMinute.ts';
import { type DayKeySource, dayKeyName } from './dayPseudonyms.ts';
import {
  approveLegalRequest,
  exportLegalRequest,
  type LegalAuditEntry,
  type LegalRecordSource,
  type LegalRequest,
  type LegalRequestRepository,
  legalRequestSchema,
  recordLegalRequest,
} from './legalRequest.ts';
import { pseudonymOf } from './pseudonym.ts';

const hmac = (key: string, data: string) => createHmac('sha256', key).update(data).digest('base64url');
const DEVICE = '6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e';
const NOW = Date.parse('2026-03-10T12:00:00Z');
const minuteOf = (iso: string) => (Date.parse(iso) / 60_000) as EpochMinute;

/** Legal requests in memory, with the store's atomic approval condition. */
class MemoryRequests implements LegalRequestRepository {
  readonly items = new Map<string, LegalRequest>();
  async putLegalRequest(r: LegalRequest) {
    if (this.items.has(r.requestId)) throw new Error('exists');
    this.items.set(r.requestId, { ...r });
  }
  async legalRequest(id: string) {
    const r = this.items.get(id);
    return r ? { ...r } : undefined;
  }
  async approveLegalRequest(id: string, by: string, nowMs: number) {
    const r = this.items.get(id);
    if (r?.status !== 'pending' || r.recordedBy === by) return false;
    this.items.set(id, { ...r, status: 'approved', approvedBy: by, approvedAtMs: nowMs });
    return true;
  }
}

/** Bucket entries in memory, served `pageSize` at a time. */
function memoryRecords(entries: BucketEntry[], pageSize = 2): LegalRecordSource & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    async bucketPage(pseudonyms, cursor) {
      asked.push([...pseudonyms]);
      const matching = entries.filter((e) => e.pseudonyms.some((p) => pseudonyms.includes(p)));
      const start = cursor ? Number(cursor) : 0;
      const end = start + pageSize;
      return { entries: matching.slice(start, end), ...(end < matching.length ? { next: String(end) } : {}) };
    },
  };
}

function keys(secrets: Record<string, string>): DayKeySource {
  return {
    async existingPeriodKey(name) {
      return Object.entries(secrets).find(([day]) => dayKeyName(day) === name)?.[1];
    },
  };
}

function setup(opts: { entries?: BucketEntry[]; dayKeys?: Record<string, string> } = {}) {
  const requests = new MemoryRequests();
  const audited: LegalAuditEntry[] = [];
  const records = memoryRecords(opts.entries ?? []);
  let n = 0;
  const deps = {
    requests,
    audit: async (e: LegalAuditEntry) => {
      audited.push(e);
    },
    clock: () => NOW,
    newId: () => `req-${++n}`,
    deviceRef: (id: string) => `ref(${id})`,
    dayKeys: keys(opts.dayKeys ?? {}),
    hmac,
    records,
  };
  return { deps, requests, audited, records };
}

const input = (from: string, to: string) =>
  legalRequestSchema.parse({ legalReference: 'Court order 2026-123', deviceId: DEVICE, from, to });

function entry(iso: string, pseudonyms: string[], sector: HeadingSector = 2): BucketEntry {
  return { kind: 'brake', cell: '8a2a1072b59ffff', sector, minute: minuteOf(iso), pseudonyms };
}

describe('what a legal request must contain', () => {
  const ok = { legalReference: 'Court order 1', deviceId: DEVICE, from: '2026-03-01T00:00:00Z' };

  it('accepts a scope of exactly 31 days', () => {
    expect(legalRequestSchema.safeParse({ ...ok, to: '2026-04-01T00:00:00Z' }).success).toBe(true);
  });

  it('refuses a scope of more than 31 days, a reversed or empty scope, and unknown fields', () => {
    expect(legalRequestSchema.safeParse({ ...ok, to: '2026-04-01T00:00:01Z' }).success).toBe(false);
    expect(legalRequestSchema.safeParse({ ...ok, to: ok.from }).success).toBe(false);
    expect(legalRequestSchema.safeParse({ ...ok, to: '2026-02-28T00:00:00Z' }).success).toBe(false);
    expect(legalRequestSchema.safeParse({ ...ok, to: '2026-03-02T00:00:00Z', all: true }).success).toBe(
      false,
    );
  });

  it('refuses a reference too short to look up and a device that is not a uuid', () => {
    const to = '2026-03-02T00:00:00Z';
    expect(legalRequestSchema.safeParse({ ...ok, to, legalReference: '  x ' }).success).toBe(false);
    expect(legalRequestSchema.safeParse({ ...ok, to, deviceId: 'cam-7' }).success).toBe(false);
  });
});

describe('recording and approving', () => {
  it('records a pending request and audits it naming the device only by its reference', async () => {
    const { deps, requests, audited } = setup();
    const out = await recordLegalRequest(
      deps,
      'staff-1',
      input('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'),
    );
    expect(out).toEqual({ requestId: 'req-1', status: 'pending' });
    expect(requests.items.get('req-1')).toMatchObject({
      deviceId: DEVICE,
      recordedBy: 'staff-1',
      recordedAtMs: NOW,
      fromMs: Date.parse('2026-03-01T00:00:00Z'),
      status: 'pending',
    });
    expect(audited).toEqual([
      {
        action: 'legal.request',
        target: 'legal:req-1',
        details: {
          legalReference: 'Court order 2026-123',
          device: `ref(${DEVICE})`,
          from: '2026-03-01T00:00:00Z',
          to: '2026-03-02T00:00:00Z',
        },
      },
    ]);
    expect(JSON.stringify(audited)).not.toContain(`"${DEVICE}"`);
  });

  it('refuses approval by the person who recorded the request, and audits nothing', async () => {
    const { deps, audited } = setup();
    await recordLegalRequest(deps, 'staff-1', input('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'));
    await expect(approveLegalRequest(deps, 'staff-1', 'req-1')).rejects.toMatchObject({
      code: 'SELF_APPROVAL',
    });
    expect(audited.map((a) => a.action)).toEqual(['legal.request']);
  });

  it('approves once by a second person; a second approval is not pending', async () => {
    const { deps, requests, audited } = setup();
    await recordLegalRequest(deps, 'staff-1', input('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'));
    expect(await approveLegalRequest(deps, 'staff-2', 'req-1')).toEqual({
      requestId: 'req-1',
      status: 'approved',
    });
    expect(requests.items.get('req-1')).toMatchObject({ approvedBy: 'staff-2', approvedAtMs: NOW });
    await expect(approveLegalRequest(deps, 'staff-3', 'req-1')).rejects.toMatchObject({
      code: 'NOT_PENDING',
    });
    expect(audited.map((a) => a.action)).toEqual(['legal.request', 'legal.approve']);
  });

  it('answers NOT_FOUND for an unknown request at every step', async () => {
    const { deps } = setup();
    await expect(approveLegalRequest(deps, 'staff-2', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(exportLegalRequest(deps, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('what an export discloses', () => {
  const day1 = '2026-03-01';
  const day2 = '2026-03-02';
  const p1 = pseudonymOf(DEVICE, day1, 'k1', hmac);
  const p2 = pseudonymOf(DEVICE, day2, 'k2', hmac);

  it('releases nothing before approval, and audits no export', async () => {
    const { deps, audited, records } = setup({
      dayKeys: { [day1]: 'k1' },
      entries: [entry('2026-03-01T23:00:00Z', [p1])],
    });
    await recordLegalRequest(deps, 'staff-1', input('2026-03-01T22:00:00Z', '2026-03-02T01:00:00Z'));
    await expect(exportLegalRequest(deps, 'req-1')).rejects.toMatchObject({ code: 'NOT_APPROVED' });
    expect(records.asked).toEqual([]);
    expect(audited.map((a) => a.action)).toEqual(['legal.request']);
  });

  it('releases the device’s records inside the scope across a UTC midnight, oldest first, over every page', async () => {
    const other = pseudonymOf('someone-else', day1, 'k1', hmac);
    const { deps, audited, records } = setup({
      dayKeys: { [day1]: 'k1', [day2]: 'k2' },
      entries: [
        entry('2026-03-02T00:30:00Z', [p2], 4),
        entry('2026-03-01T23:10:00Z', [p1, other]),
        entry('2026-03-01T21:59:00Z', [p1]), // a minute before the scope
        entry('2026-03-02T01:01:00Z', [p2]), // a minute after it
        entry('2026-03-01T22:00:00Z', [p1], 'x'), // the first minute of the scope
        entry('2026-03-01T23:20:00Z', [other]), // another device only
      ],
    });
    await recordLegalRequest(deps, 'staff-1', input('2026-03-01T22:00:30Z', '2026-03-02T01:00:59Z'));
    await approveLegalRequest(deps, 'staff-2', 'req-1');
    const out = await exportLegalRequest(deps, 'req-1');
    expect(out.scope).toEqual({ from: '2026-03-01T22:00:30.000Z', to: '2026-03-02T01:00:59.000Z' });
    expect(out.records).toEqual([
      { signal: 'brake', cell: '8a2a1072b59ffff', minute: '2026-03-01T22:00:00.000Z', sector: 'x' },
      { signal: 'brake', cell: '8a2a1072b59ffff', minute: '2026-03-01T23:10:00.000Z', sector: '2' },
      { signal: 'brake', cell: '8a2a1072b59ffff', minute: '2026-03-02T00:30:00.000Z', sector: '4' },
    ]);
    expect(records.asked.length).toBeGreaterThan(1);
    expect(new Set(records.asked.flat())).toEqual(new Set([p1, p2]));
    expect(audited.at(-1)).toEqual({
      action: 'legal.export',
      target: 'legal:req-1',
      details: { legalReference: 'Court order 2026-123', records: 3 },
    });
  });

  it('releases nothing of a day whose key is gone, and does not even search when no key is left', async () => {
    const { deps, audited } = setup({
      dayKeys: { [day2]: 'k2' },
      entries: [entry('2026-03-01T23:10:00Z', [p1]), entry('2026-03-02T00:30:00Z', [p2])],
    });
    await recordLegalRequest(deps, 'staff-1', input('2026-03-01T22:00:00Z', '2026-03-02T01:00:00Z'));
    await approveLegalRequest(deps, 'staff-2', 'req-1');
    expect((await exportLegalRequest(deps, 'req-1')).records.map((r) => r.minute)).toEqual([
      '2026-03-02T00:30:00.000Z',
    ]);

    const none = setup({ entries: [entry('2026-03-01T23:10:00Z', [p1])] });
    await recordLegalRequest(none.deps, 'staff-1', input('2026-03-01T22:00:00Z', '2026-03-02T01:00:00Z'));
    await approveLegalRequest(none.deps, 'staff-2', 'req-1');
    expect((await exportLegalRequest(none.deps, 'req-1')).records).toEqual([]);
    expect(none.records.asked).toEqual([]);
    expect(none.audited.at(-1)?.details).toMatchObject({ records: 0 });
    expect(audited.at(-1)?.details).toMatchObject({ records: 1 });
  });
});
