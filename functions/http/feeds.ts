import { z } from 'zod';
import { OPEN511_DEFAULT_LIMIT, open511Events } from '../../lib/feeds/open511.ts';
import { wazeCifsFeed } from '../../lib/feeds/wazeCifs.ts';
import { hazardsActiveAt } from '../../lib/hazards/hazardQuery.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { parseArea } from './hazards.ts';
import { type HttpEvent, header, httpHandler, json, parseWith } from './httpKit.ts';

/**
 * Open511's common list parameters (guidelines: format, limit, pagination offset). Only the JSON
 * serialization is served, so `format=xml` is a 400 that names the parameter.
 */
const open511QuerySchema = z.object({
  format: z.enum(['json']).default('json'),
  limit: z.coerce.number().pipe(z.number().int().positive()).default(OPEN511_DEFAULT_LIMIT),
  offset: z.coerce.number().pipe(z.number().int().min(0)).default(0),
});

/** Same shared cache as live `/v1/hazards`: feed readers poll, a new hazard shows within ~30 s. */
const FEED_CACHE_CONTROL = 'public, max-age=15, stale-while-revalidate=15';

const query = (event: HttpEvent) => event.queryStringParameters ?? {};

/**
 * The public origin of the API as the client reached it. API Gateway sets `x-forwarded-proto`;
 * the local server does not, and listens on plain HTTP on a loopback address.
 */
function baseUrlOf(event: HttpEvent): string {
  const host = header(event, 'host') ?? event.requestContext.domainName;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  const proto = header(event, 'x-forwarded-proto')?.split(',')[0]?.trim() ?? (loopback ? 'http' : 'https');
  return `${proto}://${host}`;
}

/** Active hazards of the requested area, now. Feeds describe the present, so `at` is not honoured. */
async function activeHazards(deps: Pick<AppDeps, 'hazards'>, event: HttpEvent, nowMs: number) {
  const { area } = parseArea(query(event));
  return hazardsActiveAt(deps.hazards, area, nowMs, nowMs);
}

/** `GET /v1/feeds/waze-cifs.json?bbox=…`: active hazards as a Waze CIFS incident feed. */
export function createWazeCifsHandler(deps: Pick<AppDeps, 'hazards' | 'clock'>) {
  return httpHandler(async (event) => {
    const nowMs = deps.clock();
    const hazards = await activeHazards(deps, event, nowMs);
    return json(200, wazeCifsFeed(hazards, { nowMs, baseUrl: baseUrlOf(event) }), {
      'cache-control': FEED_CACHE_CONTROL,
    });
  });
}

/** `GET /v1/feeds/open511/events?bbox=…`: active hazards as Open511 v1 events (JSON). */
export function createOpen511Handler(deps: Pick<AppDeps, 'hazards' | 'clock'>) {
  return httpHandler(async (event) => {
    const nowMs = deps.clock();
    const q = parseWith(open511QuerySchema, query(event), 'open511 query');
    const hazards = await activeHazards(deps, event, nowMs);
    const baseUrl = baseUrlOf(event);
    const selfUrl = `${baseUrl}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
    const doc = open511Events(hazards, { nowMs, baseUrl, selfUrl, offset: q.offset, limit: q.limit });
    return json(200, doc, { 'cache-control': FEED_CACHE_CONTROL });
  });
}

export const wazeHandler = lambdaEntry(createWazeCifsHandler, 'wazeFeed');
export const open511Handler = lambdaEntry(createOpen511Handler, 'open511Feed');
