import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { BBox } from '../../lib/geo/bbox.ts';

/** An insurer as the exports see it: its id and regions. */
export interface InsurerEntry {
  insurerId: string;
  name: string;
  regions: BBox[];
}

/** A region as stored (`POST /v1/insurers` keeps the parsed box; older items may hold a 4-array). */
export function regionOf(r: unknown): BBox | undefined {
  if (Array.isArray(r) && r.length === 4 && r.every((n) => typeof n === 'number')) {
    const [minLng, minLat, maxLng, maxLat] = r as [number, number, number, number];
    return { minLng, minLat, maxLng, maxLat };
  }
  const b = r as Partial<BBox> | null;
  if (b && [b.minLng, b.minLat, b.maxLng, b.maxLat].every((n) => typeof n === 'number')) return b as BBox;
  return undefined;
}

/**
 * Every registered insurer with its regions: a Scan of Identity's API-key items (one per
 * insurer; the schedule runs daily and insurers are few, so a Scan costs less than an index).
 */
export async function listInsurers(
  ddb: DynamoDBDocumentClient,
  identityTable: string,
): Promise<InsurerEntry[]> {
  const out: InsurerEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await ddb.send(
      new ScanCommand({
        TableName: identityTable,
        FilterExpression: 'sk = :k AND #role = :r AND attribute_not_exists(revokedAtMs)',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':k': 'APIKEY', ':r': 'insurer' },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of res.Items ?? []) {
      const regions = ((i.regions as unknown[]) ?? [])
        .map(regionOf)
        .filter((r): r is BBox => r !== undefined);
      out.push({ insurerId: String(i.id), name: String(i.name), regions });
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => a.insurerId.localeCompare(b.insurerId));
}
