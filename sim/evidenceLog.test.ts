import { describe, expect, it } from 'vitest';
import { type EvidenceEvent, EvidenceLog } from './evidenceLog.ts';

const T0 = Date.UTC(2026, 4, 4, 7, 0, 0);
const report = (over: Partial<EvidenceEvent> = {}): EvidenceEvent => ({
  stage: 'device',
  camera: 'cam-001',
  type: 'hard_brake',
  tMs: T0,
  lat: 40.44,
  lng: -79.99,
  headingDeg: 90,
  ...over,
});

describe('EvidenceLog', () => {
  it('counts distinct cameras per stage near a hazard, in its direction and time span', () => {
    const log = new EvidenceLog();
    log.add(report());
    log.add(report({ camera: 'cam-002', tMs: T0 + 60_000 }));
    log.add(report({ camera: 'cam-002', stage: 'uploaded', tMs: T0 + 60_000 }));
    log.add(report({ camera: 'cam-003', headingDeg: 270 })); // opposite carriageway
    log.add(report({ camera: 'cam-004', lat: 40.45 })); // 1.1 km away
    log.add(report({ camera: 'cam-005', tMs: T0 + 3600_000 })); // after the span
    log.add(report({ camera: 'cam-006', type: 'trip' })); // not a signal
    const ev = log.evidence({ lat: 40.44, lng: -79.99, headingDeg: 90, fromMs: T0, toMs: T0 + 20 * 60_000 });
    expect(ev.stages).toEqual({ device: { events: 2, cameras: 2 }, uploaded: { events: 1, cameras: 1 } });
    expect(ev.timeline).toEqual([
      { minute: new Date(T0).toISOString(), device: 1, uploaded: 0 },
      { minute: new Date(T0 + 60_000).toISOString(), device: 1, uploaded: 1 },
    ]);
    expect(ev.cells).toHaveLength(1);
    expect(ev.cells[0]).toMatchObject({ reports: 1, cameras: 1 });
    expect(ev.reports[0]).toMatchObject({ stage: 'uploaded', camera: 'cam-002' });
  });

  it('forgets reports older than its retention', () => {
    const log = new EvidenceLog(60_000);
    log.add(report());
    log.add(report({ camera: 'cam-002', tMs: T0 + 120_000 }));
    const ev = log.evidence({ lat: 40.44, lng: -79.99, fromMs: 0, toMs: T0 + 1e9 });
    expect(ev.stages.device.cameras).toBe(1);
  });
});
