import { describe, expect, it } from 'vitest';
import { accessOf } from '../../cdk/stacks/DashnetStack.ts';
import { FUNCTIONS, type FunctionId, ROUTES } from '../../lib/api/functions.ts';
import { TABLES, TELEMETRY_STREAM } from '../../lib/resources.ts';
import { createAwsClients } from '../adapters/awsClients.ts';
import type { AuthDeps } from '../http/auth.ts';
import { createDeps, namesFromEnv } from './deps.ts';
import {
  AUTH_DEPS,
  type DepKey,
  type DepsDeclaration,
  declaredKeys,
  FUNCTION_DEPS,
  pickDeps,
} from './functionDeps.ts';

/**
 * The dependencies each function is handed, checked against the IAM grants the CDK stack gives
 * it (cdk/functionAccess.ts through `accessOf`). What a store reaches is measured, not declared:
 * the stack is wired over names that spell their table (`table:Buckets`), and each store's fields
 * are searched for them, so a store that starts touching a second table is seen here.
 */

// AUTH_DEPS must stay exactly the keys of AuthDeps (a compile error otherwise).
type Missing = Exclude<keyof AuthDeps, (typeof AUTH_DEPS)[number]>;
type Extra = Exclude<(typeof AUTH_DEPS)[number], keyof AuthDeps>;
const authDepsMatch: [Missing, Extra] extends [never, never] ? true : false = true;

const env: Record<string, string> = Object.fromEntries([
  ...TABLES.map((t) => [t.envVar, `table:${t.id}`]),
  [TELEMETRY_STREAM.envVar, 'stream:telemetry'],
]);
const deps = createDeps({
  clients: createAwsClients({ region: 'eu-west-1' }),
  names: namesFromEnv(env),
  operatorToken: async () => 'unused',
  failureSink: { put: async () => {} },
});
const SECRET = 'secret:operator';
const FAILURES = 'bucket:failures';
/**
 * Resources held inside functions or closures, not in fields: they cannot be found by searching,
 * so they are stated (the telemetry writer keeps its stream name in its group-commit closure).
 */
const HELD_AS_FUNCTIONS: Partial<Record<DepKey, string>> = {
  operatorToken: SECRET,
  failureSink: FAILURES,
  stream: 'stream:telemetry',
};

const rawClients = new Set<unknown>(Object.values(deps.clients));

/** Every resource name found in a value's fields (a few levels down), skipping the SDK clients. */
function namesIn(value: unknown, depth = 0, seen = new Set<unknown>()): Set<string> {
  if (typeof value === 'string') return new Set(/^(table|stream):/.test(value) ? [value] : []);
  if (!value || typeof value !== 'object' || depth > 4 || seen.has(value) || rawClients.has(value))
    return new Set();
  seen.add(value);
  const out = new Set<string>();
  for (const v of Object.values(value)) for (const n of namesIn(v, depth + 1, seen)) out.add(n);
  return out;
}

function reachOf(key: DepKey): Set<string> {
  const held = HELD_AS_FUNCTIONS[key];
  return held ? new Set([held]) : namesIn(deps[key]);
}

function namesReach(decl: DepsDeclaration): Map<string, string> {
  return new Map((decl.names ?? []).map((n) => [n, deps.names[n]]));
}

function grantedTo(id: FunctionId): Set<string> {
  const a = accessOf(id);
  return new Set([
    ...a.tables.map(([def]) => `table:${def.id}`),
    ...(a.stream ? ['stream:telemetry'] : []),
    ...(a.operatorSecret ? [SECRET] : []),
    ...(a.failureBucket ? [FAILURES] : []),
  ]);
}

/**
 * What is wrong with a declaration against a grant: stores the function itself uses that reach
 * no granted resource, names of resources not granted, and grants that nothing handed can use.
 * A store spanning two tables (InsightsStore, NightStore) passes when one of them is granted: the
 * function uses that side of it, and IAM refuses the other.
 */
function mismatches(decl: DepsDeclaration, granted: Set<string>) {
  const handed = new Set<string>();
  const notGranted: string[] = [];
  for (const key of [...(decl.auth ? AUTH_DEPS : []), ...decl.uses]) {
    const reach = reachOf(key);
    for (const r of reach) handed.add(r);
    if (decl.uses.includes(key) && reach.size > 0 && ![...reach].some((r) => granted.has(r)))
      notGranted.push(key);
  }
  for (const [name, resource] of namesReach(decl)) {
    handed.add(resource);
    if (!granted.has(resource)) notGranted.push(`names.${name}`);
  }
  const unused = [...granted].filter((g) => !handed.has(g)).sort();
  return { notGranted, unused };
}

/**
 * Grants no handed store can use, known and left to cdk/functionAccess.ts: each entry is one to
 * remove there. Compared exactly, so fixing the grant fails this test until the entry goes too.
 */
const KNOWN_UNUSED_GRANTS: Partial<Record<FunctionId, string[]>> = {};

const IDS = Object.keys(FUNCTIONS) as FunctionId[];

describe('narrow dependencies, mirroring the IAM grants', () => {
  it('keeps AUTH_DEPS equal to the keys of AuthDeps', () => {
    expect(authDepsMatch).toBe(true);
  });

  it.each(IDS)('%s is handed no store and no name it is not granted', (id) => {
    expect(mismatches(FUNCTION_DEPS[id], grantedTo(id)).notGranted).toEqual([]);
  });

  it.each(IDS)('%s is granted nothing that none of its stores can use', (id) => {
    expect(mismatches(FUNCTION_DEPS[id], grantedTo(id)).unused).toEqual(KNOWN_UNUSED_GRANTS[id] ?? []);
  });

  it.each(IDS)(
    '%s is handed what authorising a caller needs exactly when it serves a non-public route',
    (id) => {
      const guarded = ROUTES.some((r) => r.fn === id && !r.roles.includes('public'));
      expect(Boolean((FUNCTION_DEPS[id] as DepsDeclaration).auth)).toBe(guarded);
    },
  );

  it.each(IDS)('%s gets exactly its declared keys and names from pickDeps', (id) => {
    const picked = pickDeps(deps, id) as Record<string, unknown>;
    const decl: DepsDeclaration = FUNCTION_DEPS[id];
    expect(Object.keys(picked).sort()).toEqual(
      [...declaredKeys(id), ...(decl.names ? ['names'] : [])].sort(),
    );
    if (decl.names) expect(Object.keys(picked.names as object).sort()).toEqual([...decl.names].sort());
  });

  it('measures what the stores reach: one table each, two for the insights and night stores', () => {
    expect([...reachOf('buckets')]).toEqual(['table:Buckets']);
    expect([...reachOf('bucketRecords')]).toEqual(['table:Buckets']);
    expect([...reachOf('insights')].sort()).toEqual(['table:Insights', 'table:InsightsRaw']);
    expect([...reachOf('night')].sort()).toEqual(['table:Insights', 'table:InsightsRaw']);
    expect([...reachOf('hazards')]).toEqual(['table:Hazards']);
    expect([...reachOf('clients')]).toEqual([]);
  });

  it('flags a store handed but not granted, and a grant left unused', () => {
    const withHazards = mismatches(
      { auth: true, uses: ['identity', 'audit', 'hazards'] },
      grantedTo('legalApprove'),
    );
    expect(withHazards.notGranted).toEqual(['hazards']);
    const withName = mismatches({ uses: ['clients'], names: ['bucketsTable'] }, grantedTo('hazards'));
    expect(withName).toEqual({ notGranted: ['names.bucketsTable'], unused: ['table:Hazards'] });
  });
});
