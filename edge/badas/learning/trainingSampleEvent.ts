import { cellToLatLng, latLngToCell } from 'h3-js';
import type { TrainingSampleEvent } from '../../../lib/contract/events.ts';
import { TRAINING_CELL_RESOLUTION } from '../../../lib/contract/trainingSample.ts';
import { quantiseFeatures } from '../../../lib/learning/trainingFeatures.ts';
import { HOUR_MS } from '../../../lib/time/durations.ts';
import { isoOf } from '../../../lib/time/isoTime.ts';
import { type Random, randomUuid } from '../../core/random.ts';
import { floorTo } from '../../core/time.ts';
import { insideAnyZone, type PrivacyZone } from '../../privacy/privacyZones.ts';
import type { LabelledWindow } from './trainingSampleCollector.ts';

/** Where and when a window ended, exactly (device-internal; never sent as such). */
export interface WindowPlace {
  lat: number;
  lng: number;
  /** Epoch ms. */
  tMs: number;
}

/** What decides whether a window may leave the camera, and how. */
export interface TrainingSampleContext {
  /** The device's privacy zones (edge/privacy/placeLearner.ts). */
  zones: readonly PrivacyZone[];
  /** Network-sharing consent at this moment (edge/privacy/consentGate.ts). */
  sharing: boolean;
  /** Source of the event's fresh id. */
  random: Random;
  /** Version of the model that scored the window. */
  modelVersion: string;
}

/** 5 decimals, as every other event (edge/privacy/redactor.ts); the centre of a ~5 km² cell is no secret. */
const COORD_DECIMALS = 5;

/**
 * The `training_sample` event of a labelled window, or `undefined` when it must not leave the
 * camera: sharing is off, or the window ended inside a privacy zone (a zone holds a home or a
 * workplace; a sample there is a moment of driving at that place).
 *
 * What leaves is coarse on purpose: the H3 res-7 cell (~5 km², a district) with its centre as
 * `lat`/`lng`, the UTC hour as `ts`, and a fresh random id — no device id, no trip id, no exact
 * place or second. A training window needs none of them (the model never sees where or when),
 * while exact times and places are what link records to a person; the cell and day exist only
 * so the cloud can apply its k-anonymity rule (lib/learning/trainingSet.ts).
 *
 * @example toTrainingSampleEvent(window, { lat, lng, tMs }, { zones, sharing: consent.sharing, random, modelVersion })
 */
export function toTrainingSampleEvent(
  window: LabelledWindow,
  at: WindowPlace,
  ctx: TrainingSampleContext,
): TrainingSampleEvent | undefined {
  if (!ctx.sharing) return undefined;
  if (insideAnyZone(ctx.zones, at.lat, at.lng)) return undefined;
  const cell = latLngToCell(at.lat, at.lng, TRAINING_CELL_RESOLUTION);
  const [cellLat, cellLng] = cellToLatLng(cell);
  return {
    id: randomUuid(ctx.random),
    type: 'training_sample',
    ts: isoOf(floorTo(at.tMs, HOUR_MS)),
    lat: round(cellLat, COORD_DECIMALS),
    lng: round(cellLng, COORD_DECIMALS),
    cell,
    trigger: window.trigger,
    label: window.label,
    features: quantiseFeatures(window.features),
    score: Math.min(1, Math.max(0, round(window.score, 3))),
    modelVersion: ctx.modelVersion.slice(0, 64),
    keptShare: window.keptShare,
  };
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}
