import { cellToChildren, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { startEmulators } from '../../local/emulators.ts';
import { describeBucketLayout } from '../../test/bucketLayoutSuite.ts';
import { BUCKET_AREA_RESOLUTION, bucketEntriesOf, evidenceAttr } from './bucketStore.ts';

const area = latLngToCell(40.45, -79.98, BUCKET_AREA_RESOLUTION);
const [a, b] = cellToChildren(area, 10) as [string, string];

describe('bucketEntriesOf', () => {
  it('reads one entry per cell and sector of an area item', () => {
    const item = {
      pk: 'b#x',
      sk: `0029000000#pass#${area}`,
      cams: new Set(['p1', 'p2']),
      [evidenceAttr(a, 2)]: new Set(['p1']),
      [evidenceAttr(b, 'x')]: new Set(['p1', 'p2']),
      expiresAt: 1,
    };
    expect(bucketEntriesOf(item)).toEqual([
      { kind: 'pass', minute: 29_000_000, cell: a, sector: 2, pseudonyms: ['p1'] },
      { kind: 'pass', minute: 29_000_000, cell: b, sector: 'x', pseudonyms: ['p1', 'p2'] },
    ]);
  });

  it('reads the two earlier layouts: one item per cell (sets s0…sx) and per cell and sector (cams)', () => {
    expect(
      bucketEntriesOf({ sk: `0029000000#brake#${a}`, cams: new Set(['p1']), s3: new Set(['p1']) }),
    ).toEqual([{ kind: 'brake', minute: 29_000_000, cell: a, sector: 3, pseudonyms: ['p1'] }]);
    expect(bucketEntriesOf({ sk: `0029000000#brake#${a}#7`, cams: new Set(['p1']) })).toEqual([
      { kind: 'brake', minute: 29_000_000, cell: a, sector: 7, pseudonyms: ['p1'] },
    ]);
  });
});

describeBucketLayout('dynalite', async () => {
  const emulators = await startEmulators(undefined);
  return { endpoint: emulators.endpoints.dynamodb, stop: () => emulators.close() };
});
