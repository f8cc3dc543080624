import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { ArtefactError, publicKeyOf, verifyArtefact } from '../contract/artefact.ts';
import type { DayCell } from '../insights/dayRollup.ts';
import { buildPriorTile, signPriorTile, versionOfDay } from './buildPriorTile.ts';
import { memoryPriorsSource } from './memoryPriorsSource.ts';
import { decodePriorTile, tilePriorOf } from './priorTile.ts';

const REGION = cellToParent(latLngToCell(40.44, -79.99, 8), 4);
const CELLS8 = cellToChildren(REGION, 8).slice(100, 110);
const SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const OTHER_SEED = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);

/** 30 days; each day every cell is driven 40 km by 6 cameras; the first cell has 2 near misses a day, the rest one a week. */
function source() {
  const days = new Map<string, Record<string, DayCell>>();
  for (let d = 1; d <= 30; d++) {
    const cells: Record<string, DayCell> = {};
    CELLS8.forEach((c, i) => {
      cells[cellToChildren(c, 10)[0]!] = {
        passes: 300,
        exposureM: 40_000,
        brakes: 0,
        nearMisses: i === 0 ? 2 : d % 7 === i % 7 ? 1 : 0,
        speeds: {},
        cameras: 6,
      };
    });
    days.set(`2026-11-${String(d).padStart(2, '0')}`, cells);
  }
  return memoryPriorsSource(days);
}

async function build() {
  const { candidate } = await buildPriorTile(source(), {
    region: REGION,
    fromDay: '2026-11-01',
    toDay: '2026-11-30',
    createdAt: '2026-12-01T03:00:00Z',
  });
  return signPriorTile(candidate, SEED);
}

describe('buildPriorTile', () => {
  it('builds a signed conflict_priors tile the camera accepts and decodes', async () => {
    const t = await build();
    const m = verifyArtefact(t.manifest, t.signature, [publicKeyOf(SEED)], t.bytes);
    expect(m).toMatchObject({
      kind: 'conflict_priors',
      version: '2026.1130.0',
      size: t.bytes.length,
      provenance: {
        region: REGION,
        from: '2026-11-01',
        to: '2026-11-30',
        k: 5,
        cells: 10,
        cellResolution: 8,
      },
    });
    const tile = decodePriorTile(t.bytes);
    const hot = tilePriorOf(tile, CELLS8[0]!)!;
    const quiet = tilePriorOf(tile, CELLS8[5]!)!;
    expect(hot.logRateRatio).toBeGreaterThan(1);
    expect(quiet.logRateRatio).toBeLessThan(0);
    expect(t.bytes.length).toBe(22 + 4 * 10);
  });

  it('is rejected by verifyArtefact when one byte of the tile is changed', async () => {
    const t = await build();
    const tampered = t.bytes.slice();
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 0x01;
    expect(() => verifyArtefact(t.manifest, t.signature, [publicKeyOf(SEED)], tampered)).toThrow(
      expect.objectContaining({ code: 'BAD_DIGEST' }),
    );
  });

  it('is rejected when its manifest is edited, or signed by an untrusted key', async () => {
    const t = await build();
    const edited = { ...t.manifest, provenance: { ...t.manifest.provenance, k: 1 } };
    expect(() => verifyArtefact(edited, t.signature, [publicKeyOf(SEED)], t.bytes)).toThrow(ArtefactError);
    expect(() => verifyArtefact(edited, t.signature, [publicKeyOf(SEED)], t.bytes)).toThrow(
      expect.objectContaining({ code: 'BAD_SIGNATURE' }),
    );
    expect(() => verifyArtefact(t.manifest, t.signature, [publicKeyOf(OTHER_SEED)], t.bytes)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_KEY' }),
    );
  });

  it('reads only the period asked for', async () => {
    const { candidate } = await buildPriorTile(source(), {
      region: REGION,
      fromDay: '2026-11-01',
      toDay: '2026-11-01',
      createdAt: '2026-12-01T03:00:00Z',
    });
    // One day of 6 cameras: every cell has 6 camera-days.
    expect(candidate.provenance.cells).toBe(10);
    expect(candidate.provenance.exposureKm).toBe(400);
  });

  it('versions tiles by the end of their period', () => {
    expect(versionOfDay('2026-01-05')).toBe('2026.105.0');
    expect(() => versionOfDay('Dec 1')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
