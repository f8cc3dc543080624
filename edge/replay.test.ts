import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeReplayCommand } from '../bin/commands/edgeReplay.ts';
import { replayLogs } from './replay.ts';

const GPS = 'events/edge/town-drive.gps.csv';
const IMU = 'events/edge/town-drive.imu.csv';
const dir = mkdtempSync(join(tmpdir(), 'edge-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edge replay', () => {
  it('writes one contract body per line and exits 0', async () => {
    const out = join(dir, 'a.ndjson');
    expect(
      await edgeReplayCommand(['--gps', GPS, '--imu', IMU, '--home', '52.52,13.405', '--out', out]),
    ).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(JSON.parse(l).schema).toBe(1);
  });

  it('is reproducible: the same logs and seed give the same bytes', () => {
    const gpsCsv = readFileSync(GPS, 'utf8');
    expect(replayLogs({ gpsCsv, seed: 'x' })).toEqual(replayLogs({ gpsCsv, seed: 'x' }));
  });

  it('exits 2 when --gps is missing', async () => {
    expect(await edgeReplayCommand(['--imu', IMU])).toBe(2);
  });

  it('exits 2 on an unreadable log', async () => {
    expect(await edgeReplayCommand(['--gps', join(dir, 'missing.csv')])).toBe(2);
  });

  it('exits 2 on a malformed log', async () => {
    const bad = join(dir, 'bad.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 't,lat,lng\nyesterday,1,2\n');
    expect(await edgeReplayCommand(['--gps', bad])).toBe(2);
  });

  it('derives speed and heading when the log leaves them empty', () => {
    const rows = ['t,lat,lng,speed_mps,heading_deg'];
    for (let i = 0; i < 600; i++) rows.push(`${1_700_000_000 + i},${(52.5 + i * 0.0001).toFixed(6)},13.4,,`);
    for (let i = 0; i < 200; i++) rows.push(`${1_700_000_600 + i},52.56,13.4,,`);
    const bodies = replayLogs({ gpsCsv: rows.join('\n') });
    const trips = bodies
      .flatMap((b) => JSON.parse(b).events)
      .filter((e: { type: string }) => e.type === 'trip');
    expect(trips.length).toBeGreaterThan(0);
    expect(trips[0].path[0].heading).toBeLessThan(5);
  });
});
