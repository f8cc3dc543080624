import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeReplayCommand } from '../bin/commands/edgeReplay.ts';
import { readBadasModel } from './badas/modelFile.ts';
import { EdgeError } from './core/errors.ts';
import { parseFramesCsv, replayLogs } from './replay.ts';
import { closeCallFramesCsv } from './testing/closeCall.ts';

const dir = mkdtempSync(join(tmpdir(), 'edge-replay-frames-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_700_000_000;

/** 1 Hz fixes driving north at ~11 m/s for 10 minutes, then parked for 3. */
function gpsCsv(): string {
  const rows = ['t,lat,lng,speed_mps,heading_deg'];
  for (let i = 0; i < 600; i++) rows.push(`${T0 + i},${(52.5 + i * 0.0001).toFixed(6)},13.4,11.1,0`);
  for (let i = 0; i < 180; i++) rows.push(`${T0 + 600 + i},52.56,13.4,0,0`);
  return rows.join('\n');
}

/** 10 Hz lead kinematics, relative time: following at 20 m, the lead brakes hard at `atS`. */
const framesCsv = (atS: number) =>
  // The ego column is what the camera's perception logged; replay uses the GPS log's instead.
  closeCallFramesCsv({ fromS: 100, toS: 400, brakeAtS: atS, egoSpeedMps: 11.1, loseBeyondM: 60 });

const events = (bodies: string[]) =>
  bodies.flatMap((b) => JSON.parse(b).events as { type: string; ts: string }[]);

describe('edge replay --frames', () => {
  it('puts the near miss of a replayed close call into the bodies, on the GPS clock', () => {
    const bodies = replayLogs({ gpsCsv: gpsCsv(), framesCsv: framesCsv(200), badasModel: readBadasModel() });
    const nearMisses = events(bodies).filter((e) => e.type === 'near_miss');
    expect(nearMisses).toHaveLength(1);
    const tS = Date.parse(nearMisses[0]!.ts) / 1000 - T0;
    expect(tS).toBeGreaterThanOrEqual(200);
    expect(tS).toBeLessThanOrEqual(203);
    // Whether the trained model alerts is its business (it is retrained); never more than once.
    expect(events(bodies).filter((e) => e.type === 'badas_alert').length).toBeLessThanOrEqual(1);
  });

  it('changes nothing without frames', () => {
    const gps = gpsCsv();
    expect(replayLogs({ gpsCsv: gps, badasModel: readBadasModel() })).toEqual(replayLogs({ gpsCsv: gps }));
  });

  it('reads Unix times as they are and relative ones from the first fix', () => {
    const unix = parseFramesCsv(
      't,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps\n1700000100.5,10,0,,\n',
      0,
    );
    const rel = parseFramesCsv(
      't,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps\n2.5,10,0,12,1\n',
      5000,
    );
    expect(unix).toEqual([{ tMs: 1_700_000_100_500, lead: {} }]);
    expect(rel).toEqual([{ tMs: 7500, lead: { leadGapM: 12, leadClosingMps: 1 } }]);
  });

  it('rejects a malformed frames log with BAD_CSV', () => {
    expect(() => parseFramesCsv('t,speed\n1,2\n', 0)).toThrowError(EdgeError);
    try {
      parseFramesCsv('t,speed\n1,2\n', 0);
    } catch (e) {
      expect((e as EdgeError).code).toBe('BAD_CSV');
    }
  });

  it('CLI: --frames exits 0 with the near miss in --out, 2 on a malformed frames log', async () => {
    const gps = join(dir, 'gps.csv');
    const frames = join(dir, 'frames.csv');
    const bad = join(dir, 'bad.csv');
    const out = join(dir, 'out.ndjson');
    writeFileSync(gps, gpsCsv());
    writeFileSync(frames, framesCsv(300));
    writeFileSync(bad, 't,ego_speed_mps\n1,x\n');
    expect(await edgeReplayCommand(['--gps', gps, '--frames', frames, '--out', out])).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(events(lines).filter((e) => e.type === 'near_miss')).toHaveLength(1);
    expect(await edgeReplayCommand(['--gps', gps, '--frames', bad, '--out', out])).toBe(2);
  });
});
