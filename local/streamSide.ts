import type { Endpoints } from '../functions/adapters/awsClients.ts';
import type { ResourceNames } from '../functions/runtime/deps.ts';

/**
 * The tables the stream consumers write at volume (the aggregator's buckets, hazards and
 * baselines; the insights consumer's raw contributions and the rollups' insights). Locally they
 * may live on an emulator of their own (`startEmulators(…, { splitStreamSide: true })`); on AWS
 * every table is its own service anyway.
 */
export const STREAM_SIDE_TABLES = [
  'bucketsTable',
  'hazardsTable',
  'baselinesTable',
  'insightsRawTable',
  'insightsTable',
] as const satisfies readonly (keyof ResourceNames)[];

/** The clients' endpoints with the stream-side tables routed to their emulator, when it runs. */
export function withStreamSide(
  endpoints: Endpoints & { dynamodbStreamSide?: string },
  names: ResourceNames,
): Endpoints {
  const { dynamodbStreamSide, ...rest } = endpoints;
  if (!dynamodbStreamSide) return rest;
  return {
    ...rest,
    dynamodbByTable: Object.fromEntries(STREAM_SIDE_TABLES.map((t) => [names[t], dynamodbStreamSide])),
  };
}
