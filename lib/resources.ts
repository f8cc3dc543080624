import { DEFAULT_DETECTOR_CONFIG } from './hazards/detector.ts';
import { longestWindowMinutes } from './hazards/hazardKinds.ts';
/**
 * Every AWS resource dashnet's code touches, defined once. The CDK stack, the local stack
 * and the tests all create and address resources from these definitions, so a key schema
 * or an env-var name cannot drift between them.
 */

/** Attribute type of a DynamoDB key attribute. */
export type KeyType = 'S' | 'N';

export interface KeyDef {
  name: string;
  type: KeyType;
}

export interface TableDef {
  /** Logical id: also the suffix of the physical name and the CDK construct id. */
  id: string;
  /** Environment variable through which functions learn the physical name. */
  envVar: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  /** Epoch-seconds attribute for DynamoDB TTL; readers also filter on it (TTL deletes lag). */
  ttlAttribute?: string;
  globalIndexes?: { name: string; partitionKey: KeyDef; sortKey?: KeyDef }[];
  /** Retention as the privacy section of the README states it. */
  retention: string;
}

/**
 * Identity: devices, token hashes, consent, insurers, per-day pseudonym keys. The only table
 * that knows device ids; nothing in it leaves through Kinesis.
 */
export const IDENTITY_TABLE: TableDef = {
  id: 'Identity',
  envVar: 'DASHNET_TABLE_IDENTITY',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: 'expiresAt',
  retention: 'while the device is registered; per-day pseudonym keys 30 days',
};

/** Ingest: idempotency markers of accepted batches, so a retried batch is not counted twice. */
export const INGEST_TABLE: TableDef = {
  id: 'Ingest',
  envVar: 'DASHNET_TABLE_INGEST',
  partitionKey: { name: 'pk', type: 'S' },
  ttlAttribute: 'expiresAt',
  retention: '7 days (longer than any camera retries a batch)',
};

/**
 * Buckets: per signal (or `pass` for exposure), H3 res-9 area and minute, the set of camera
 * pseudonyms of each res-10 cell and heading sector (attributes `<cell>:<sector>`, sector
 * `0`…`7` or `x`) and their union (`cams`). pk = `b#<res-8 parent>`, sk = zero-padded epoch
 * minute#kind#<res-9 area>, so one Query reads the sliding window of a whole neighbourhood and
 * one write covers every cell and sector of an area-minute (`functions/adapters/bucketStore.ts`).
 */
export const BUCKETS_TABLE: TableDef = {
  id: 'Buckets',
  envVar: 'DASHNET_TABLE_BUCKETS',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: 'expiresAt',
  retention: '48 hours',
};

/**
 * Hazards: one item per hazard, partitioned by area (H3 res-5) and month of `firstSeen` for
 * history; a sparse GSI on `activeArea` holds only the hazards that are active now.
 */
export const HAZARDS_TABLE: TableDef = {
  id: 'Hazards',
  envVar: 'DASHNET_TABLE_HAZARDS',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: 'expiresAt',
  globalIndexes: [
    {
      name: 'active',
      partitionKey: { name: 'activeArea', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
    },
  ],
  retention: '1 year',
};

/**
 * Baselines: long-term, anonymous per-cell counts by hour of week (pk = `base#<res-8 cell>`,
 * sk = hour of week), built by the hourly rollup from the minute buckets; plus the rollup's
 * work list (pk = `dirty#<epoch hour>`, sk = res-8 cell), which expires after 3 days.
 */
export const BASELINES_TABLE: TableDef = {
  id: 'Baselines',
  envVar: 'DASHNET_TABLE_BASELINES',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: 'expiresAt',
  retention: 'indefinite (anonymous counts per cell and hour of week); work items 3 days',
};

/** Stats: sharded counters behind `GET /v1/ops/stats`. */
export const STATS_TABLE: TableDef = {
  id: 'Stats',
  envVar: 'DASHNET_TABLE_STATS',
  partitionKey: { name: 'pk', type: 'S' },
  retention: 'indefinite (counts only)',
};

/**
 * Audit: the append-only, hash-chained log of insurer queries, operator actions, deletions and
 * legal exports. One chain (pk `chain`), seq as sort key; appends are conditional puts on seq.
 */
export const AUDIT_TABLE: TableDef = {
  id: 'Audit',
  envVar: 'DASHNET_TABLE_AUDIT',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'seq', type: 'N' },
  retention: 'indefinite (append-only; names no device, only hashed references)',
};

/** RateLimits: fixed-window request counters per device pseudonym / insurer, gone in minutes. */
export const RATE_LIMITS_TABLE: TableDef = {
  id: 'RateLimits',
  envVar: 'DASHNET_TABLE_RATE_LIMITS',
  partitionKey: { name: 'pk', type: 'S' },
  ttlAttribute: 'expiresAt',
  retention: '10 minutes',
};

/**
 * InsightsRaw: the insights consumer's per-record contributions, pk = `raw#<res-8 cell>`,
 * sk = `<epoch hour>#<record key>` (one item per stream record per partition-hour, written
 * with a plain put, so a replay overwrites it identically); plus the daily rollup's work list
 * (pk = `dirty#<UTC day>`, sk = res-8 cell). Holds the day's pseudonym (`p`) so the rollup can
 * count distinct cameras; the deletion worker sweeps it.
 */
export const INSIGHTS_RAW_TABLE: TableDef = {
  id: 'InsightsRaw',
  envVar: 'DASHNET_TABLE_INSIGHTS_RAW',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: 'expiresAt',
  retention: 'until 2 days after the end of the UTC day of the events (at most 3 days)',
};

/**
 * Insights: anonymous long-term aggregates for insurers. Per res-8 partition and UTC day, per
 * res-10 cell: passes, exposure metres, hard brakes, near-misses, speed histogram and the
 * distinct cameras of that day (pk = `day#<res-8>`, sk = `YYYY-MM-DD`); per partition, hour of
 * week and epoch hour, per cell: speed histogram and distinct cameras (pk =
 * `speed#<res-8>#<hour of week>`, sk = epoch hour); the cells ever observed (pk = `seen#<res-8>`).
 * No pseudonym, no trip, no event.
 */
export const INSIGHTS_TABLE: TableDef = {
  id: 'Insights',
  envVar: 'DASHNET_TABLE_INSIGHTS',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  retention: 'indefinite (anonymous counts per cell and day / hour)',
};

/**
 * Artefacts: the over-the-air registry (docs/ota.md). Per artefact line (kind, name) one line
 * item holding the rollout state (pk = `lines#<kind>`, sk = name, so one Query lists a kind's
 * lines), and per version the signed manifest, signature, bytes key and who published it
 * (pk = `versions#<kind>#<name>`, sk = the version, zero-padded so keys sort like versions).
 */
export const ARTEFACTS_TABLE: TableDef = {
  id: 'Artefacts',
  envVar: 'DASHNET_TABLE_ARTEFACTS',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  retention: 'indefinite (release history: manifests, signatures, who published, promoted, rolled back)',
};

/**
 * ArtefactHealth: what each artefact version under rollout saw, per res-7 cell and UTC hour
 * (camera-minutes, alerts, near misses, camera errors; pk = `h#<kind>#<name>#<version>`,
 * sk = zero-padded epoch hour#cell). Counts only: no device, no pseudonym.
 */
export const ARTEFACT_HEALTH_TABLE: TableDef = {
  id: 'ArtefactHealth',
  envVar: 'DASHNET_TABLE_ARTEFACT_HEALTH',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  ttlAttribute: 'expiresAt',
  retention: '14 days (counts per artefact version, res-7 cell and hour, only while a rollout runs)',
};

export const TABLES = [
  IDENTITY_TABLE,
  INGEST_TABLE,
  BUCKETS_TABLE,
  HAZARDS_TABLE,
  STATS_TABLE,
  BASELINES_TABLE,
  AUDIT_TABLE,
  RATE_LIMITS_TABLE,
  INSIGHTS_RAW_TABLE,
  INSIGHTS_TABLE,
  ARTEFACTS_TABLE,
  ARTEFACT_HEALTH_TABLE,
] as const;

export interface StreamDef {
  id: string;
  envVar: string;
  /** Shards for a provisioned stream and for the local emulator. */
  shards: number;
  retentionHours: number;
}

/** The telemetry stream: ingest writes it; the aggregator and the insights consumer each consume it. */
export const TELEMETRY_STREAM: StreamDef = {
  id: 'Telemetry',
  envVar: 'DASHNET_STREAM_TELEMETRY',
  shards: 2,
  retentionHours: 24,
};

/**
 * How the aggregator (and, with the same settings, the insights consumer) consumes the stream;
 * the CDK event source mappings and the local runners read these. Values explained in the README ("Stream semantics").
 */
export const AGGREGATOR_ESM = {
  batchSize: 500,
  maxBatchingWindowS: 1,
  /** Bounded retries: effects are idempotent, so retrying is safe; poison never retries (see aggregator). */
  retryAttempts: 5,
  bisectOnError: true,
  /**
   * A record older than the longest hazard window plus the allowed lateness cannot change a live
   * hazard: it goes to the on-failure destination (kept, replayable) instead of holding up the
   * shard. Derived from the detector's defaults, not written twice.
   */
  maxRecordAgeS:
    (longestWindowMinutes(DEFAULT_DETECTOR_CONFIG.windowMinutes) +
      DEFAULT_DETECTOR_CONFIG.maxLatenessMinutes) *
    60,
  parallelizationFactor: 2,
  reportBatchItemFailures: true,
} as const;

/**
 * Key prefix of the OTA artefacts' bytes in the (versioned) artifacts bucket: the functions'
 * S3 grants stop at it (cdk/constructs/ArtefactGrants.ts).
 */
export const ARTEFACTS_PREFIX = 'artefacts/';

/** Physical name of a resource for a stage: `dashnet-<stage>-<id>`. */
export function physicalName(stage: string, id: string): string {
  return `dashnet-${stage}-${id}`;
}

/** Other environment variables the functions read, named once. */
export const ENV = {
  stage: 'DASHNET_STAGE',
  operatorToken: 'DASHNET_OPERATOR_TOKEN',
  operatorTokenSecretArn: 'DASHNET_OPERATOR_TOKEN_SECRET_ARN',
  hazardMinCameras: 'DASHNET_HAZARD_MIN_CAMERAS',
  hazardRule: 'DASHNET_HAZARD_RULE',
  failureBucket: 'DASHNET_FAILURE_BUCKET',
  /** An operator-loaded OSM extract (GeoJSON, optionally gzipped) replacing the bundled road network. */
  roadNetworkFile: 'DASHNET_ROAD_NETWORK_FILE',
  /** S3 bucket of the insurer exports (AWS); unset locally, where exports live under `exportsDir`. */
  exportsBucket: 'DASHNET_EXPORTS_BUCKET',
  /** Local folder of the insurer exports and their signing key (default `.dashnet/exports`). */
  exportsDir: 'DASHNET_EXPORTS_DIR',
  /** Secret holding the exports' Ed25519 signing seed (AWS). */
  exportSigningKeySecretArn: 'DASHNET_EXPORT_SIGNING_KEY_SECRET_ARN',
  /** S3 bucket of the OTA artefacts' bytes (AWS, under `artefacts/`); unset locally, where they live under `artefactsDir`. */
  artefactsBucket: 'DASHNET_ARTEFACTS_BUCKET',
  /** Local folder of the OTA artefacts and the local stack's release key (default `.dashnet/artefacts`). */
  artefactsDir: 'DASHNET_ARTEFACTS_DIR',
  /** Trusted Ed25519 release public keys (hex, comma-separated); a publish signed by any other key is refused. */
  artefactTrustedKeys: 'DASHNET_ARTEFACT_TRUSTED_KEYS',
  /** Areas (H3 res-4 cells, comma-separated) the conflict-prior builder makes tiles for. */
  priorsRegions: 'DASHNET_PRIORS_REGIONS',
} as const;
