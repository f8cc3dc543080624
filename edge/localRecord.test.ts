import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeReplayCommand } from '../bin/commands/edgeReplay.ts';
import { eventSchema, type TelemetryEvent } from '../lib/contract/events.ts';

const GPS = 'events/edge/town-drive.gps.csv';
const IMU = 'events/edge/town-drive.imu.csv';
const dir = mkdtempSync(join(tmpdir(), 'edge-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

async function replay(extra: string[]): Promise<{ bodies: string[]; record: TelemetryEvent[] }> {
  const name = `${Math.random().toString(36).slice(2)}`;
  const out = join(dir, `${name}.bodies`);
  const rec = join(dir, `${name}.record`);
  const args = ['--gps', GPS, '--imu', IMU, '--home', '52.52,13.405', '--out', out, ...extra];
  expect(
    await edgeReplayCommand(extra.includes('--record') ? args.map((a) => (a === '@rec' ? rec : a)) : args),
  ).toBe(0);
  const record = extra.includes('--record') ? lines(rec).map((l) => eventSchema.parse(JSON.parse(l))) : [];
  return { bodies: lines(out), record };
}

describe('edge replay --record (the device-local record)', () => {
  it('writes every located detection in the contract event shape, with exact position and time', async () => {
    const { bodies, record } = await replay(['--record', '@rec']);
    const uploaded = bodies.flatMap((b) => (JSON.parse(b) as { events: TelemetryEvent[] }).events);
    const uploadedDetections = uploaded.filter((e) => e.type !== 'trip');
    expect(record.length).toBeGreaterThan(0);
    expect(record.length).toBeGreaterThanOrEqual(uploadedDetections.length);
    // Unredacted: milliseconds kept, coordinates not rounded to the uplink's 5 decimals.
    expect(record.some((e) => !e.ts.endsWith('.000Z'))).toBe(true);
    expect(record.some((e) => Math.round(e.lat * 1e5) / 1e5 !== e.lat)).toBe(true);
  });

  it('never reaches the uplink: the bodies are the same without it and share no id, time or position with it', async () => {
    const withRecord = await replay(['--record', '@rec']);
    const without = await replay([]);
    expect(withRecord.bodies).toEqual(without.bodies);
    const text = withRecord.bodies.join('\n');
    for (const e of withRecord.record) {
      expect(text).not.toContain(e.id);
      expect(text).not.toContain(e.ts);
      expect(text).not.toContain(String(e.lat));
    }
  });

  it('exits 2 with a reason when the record cannot be written', async () => {
    expect(await edgeReplayCommand(['--gps', GPS, '--record', join(dir, 'missing', 'dir', 'r.jsonl')])).toBe(
      2,
    );
  });
});
