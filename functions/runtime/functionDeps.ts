import type { FunctionId } from '../../lib/api/functions.ts';
import type { AppDeps, ResourceNames } from './deps.ts';

/**
 * What authorising a caller needs (`AuthDeps`, functions/http/auth.ts): every function behind a
 * non-public route is handed these. One list for every route kind because `AuthDeps` is one type;
 * of it, an operator route never calls the rate limiter (cdk/functionAccess.ts AUTH_ACCESS grants
 * it no RateLimits) and a device route never reads the operator secret.
 */
export const AUTH_DEPS = [
  'identity',
  'rateLimiter',
  'operatorToken',
  'sha256',
  'clock',
  'hmac',
  'randomBytes',
] as const satisfies readonly (keyof AppDeps)[];

/** A dependency by its {@link AppDeps} key; `names` is handed per table instead (see `names`). */
export type DepKey = Exclude<keyof AppDeps, 'names'>;

/** What one function is handed. */
export interface DepsDeclaration {
  /** Behind a non-public route: also handed {@link AUTH_DEPS}. */
  readonly auth?: true;
  /** The stores, clients and helpers the function itself uses. */
  readonly uses: readonly DepKey[];
  /**
   * The physical names it addresses through `clients` (a store the handler builds itself); the
   * function is handed these names and no others, so it cannot even name a table it is not granted.
   */
  readonly names?: readonly (keyof ResourceNames)[];
}

const ALL_NAMES = [
  'identityTable',
  'ingestTable',
  'bucketsTable',
  'hazardsTable',
  'statsTable',
  'baselinesTable',
  'auditTable',
  'rateLimitsTable',
  'insightsRawTable',
  'insightsTable',
  'artefactsTable',
  'artefactHealthTable',
  'telemetryStream',
] as const satisfies readonly (keyof ResourceNames)[];

/** Operator actions: identity (the subject), the audit chain, and what making a secret takes. */
const OPERATOR_ACTION = ['identity', 'audit', 'randomBytes', 'sha256', 'clock'] as const;
/** Insurer queries: the anonymous aggregates, and the audit every query appends to. */
const INSURER_QUERY = ['insights', 'audit', 'clock'] as const;
const PUBLIC_HAZARDS = ['hazards', 'clock'] as const;

/**
 * Each function's dependencies, declared once: `functions/registry.ts` and `lambdaEntry` hand a
 * factory exactly these (`pickDeps`), its factory's parameter type must accept them (checked by
 * the compiler in the registry), and `functionDeps.test.ts` checks that the tables they reach are
 * the tables `cdk/functionAccess.ts` grants the function: a store handed but not granted, or a
 * grant no handed store can use, fails that test.
 */
export const FUNCTION_DEPS = {
  telemetry: {
    auth: true,
    uses: [
      'identity',
      'hmac',
      'randomBytes',
      'clock',
      'ingest',
      'stats',
      'stream',
      'artefacts',
      'artefactHealth',
    ],
  },
  devices: { auth: true, uses: OPERATOR_ACTION },
  consent: { auth: true, uses: ['identity', 'clock'] },
  hazards: { uses: PUBLIC_HAZARDS },
  hazardHistory: { uses: PUBLIC_HAZARDS },
  opsStats: { auth: true, uses: ['stats'] },
  // DescribeTable / DescribeStreamSummary on every resource: the one function handed every name.
  health: { uses: ['clients'], names: ALL_NAMES },
  wazeFeed: { uses: PUBLIC_HAZARDS },
  open511Feed: { uses: PUBLIC_HAZARDS },
  rotateToken: { auth: true, uses: OPERATOR_ACTION },
  revokeDevice: { auth: true, uses: OPERATOR_ACTION },
  insurers: { auth: true, uses: OPERATOR_ACTION },
  staff: { auth: true, uses: OPERATOR_ACTION },
  auditVerify: { auth: true, uses: ['audit', 'sha256'] },
  deletionRequest: { auth: true, uses: ['identity', 'deletions', 'audit', 'sha256', 'clock'] },
  deletionStatus: { auth: true, uses: ['deletions', 'sha256'] },
  legalRequest: { auth: true, uses: ['identity', 'audit', 'sha256', 'clock'] },
  legalApprove: { auth: true, uses: ['identity', 'audit', 'sha256', 'clock'] },
  legalExport: { auth: true, uses: ['identity', 'hmac', 'bucketRecords', 'audit', 'sha256', 'clock'] },
  deletionWorker: {
    uses: ['clients', 'deletions', 'identity', 'audit', 'hmac', 'clock'],
    names: ['bucketsTable', 'ingestTable', 'insightsRawTable'],
  },
  aggregator: { uses: ['buckets', 'hazards', 'baselines', 'detector', 'stats', 'failureSink', 'clock'] },
  baselineRollup: { uses: ['baselines', 'buckets', 'detector', 'clock'] },
  insightsConsumer: { uses: ['insights', 'night', 'clients', 'clock'], names: ['insightsRawTable'] },
  insightsRollup: { uses: ['insights', 'clock'] },
  statsCompactor: { uses: ['stats', 'clock'] },
  insightsSegments: { auth: true, uses: INSURER_QUERY },
  insightsSpeedCheck: { auth: true, uses: INSURER_QUERY },
  insightsHotspots: { auth: true, uses: INSURER_QUERY },
  coverage: { auth: true, uses: INSURER_QUERY },
  // Lists the insurers with a Scan of Identity through the raw client (insurerDirectory.ts).
  insightsExports: { auth: true, uses: [...INSURER_QUERY, 'clients'], names: ['identityTable'] },
  insightsExport: { uses: [...INSURER_QUERY, 'clients'], names: ['identityTable'] },
  nightCalibration: { uses: ['night', 'clock'] },
  artefacts: { auth: true, uses: ['artefacts', 'artefactHealth', 'audit', 'clock'] },
  artefactOffer: { auth: true, uses: ['artefacts', 'clock'] },
  rolloutController: { uses: ['artefacts', 'artefactHealth', 'audit', 'clock'] },
  // The day aggregates through the insights store; its candidates through the raw client.
  priorsBuilder: { uses: ['insights', 'clients', 'clock'], names: ['insightsTable'] },
  nightCandidates: { auth: true, uses: ['night'] },
} as const satisfies Record<FunctionId, DepsDeclaration>;

type Declared<F extends FunctionId> = (typeof FUNCTION_DEPS)[F];
type KeysOf<F extends FunctionId> =
  | Declared<F>['uses'][number]
  | (Declared<F> extends { auth: true } ? (typeof AUTH_DEPS)[number] : never);
type NamesOf<F extends FunctionId> =
  Declared<F> extends {
    names: readonly (infer N extends keyof ResourceNames)[];
  }
    ? { names: Pick<ResourceNames, N> }
    : unknown;

/** Exactly what function `F` is handed: its declared dependencies and names, nothing more. */
export type DepsOf<F extends FunctionId> = Pick<AppDeps, KeysOf<F>> & NamesOf<F>;

/** The keys function `id` is handed, auth first (for tests and the registry). */
export function declaredKeys(id: FunctionId): DepKey[] {
  const d: DepsDeclaration = FUNCTION_DEPS[id];
  return [...new Set<DepKey>([...(d.auth ? AUTH_DEPS : []), ...d.uses])];
}

/**
 * Function `id`'s share of the dependencies: a new object with only its declared keys, and a
 * `names` holding only its declared names. Handed to its factory instead of the whole bag, so
 * reaching for an undeclared store is a compile error, and undefined at run time.
 */
export function pickDeps<F extends FunctionId>(deps: AppDeps, id: F): DepsOf<F> {
  const out: Partial<Record<keyof AppDeps, unknown>> = {};
  for (const key of declaredKeys(id)) out[key] = deps[key];
  const { names }: DepsDeclaration = FUNCTION_DEPS[id];
  if (names) out.names = Object.fromEntries(names.map((n) => [n, deps.names[n]]));
  return out as DepsOf<F>;
}
