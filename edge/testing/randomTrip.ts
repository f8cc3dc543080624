import type { GpsFix } from '../sensors/samples.ts';

/** A leg of a generated trip: drive `durationS` at `speedMps`, after turning by `turnDeg`. */
export interface Leg {
  turnDeg: number;
  speedMps: number;
  durationS: number;
  /** Brake hard (4.5 m/s²) to a stop at the end of the leg. */
  brake: boolean;
}

const M_PER_DEG = 111_320;
const RAD = Math.PI / 180;

/**
 * A 1 Hz GPS trace: rest 30 s at (lat, lng), drive the legs (optionally retracing them home),
 * rest `endRestS` at the end. Exact positions and Doppler speed, so tests see pure geometry.
 */
export function randomTrip(
  start: { lat: number; lng: number },
  headingDeg: number,
  legs: Leg[],
  returnHome: boolean,
  startMs = Date.UTC(2024, 2, 4, 8, 0, 0),
  endRestS = 200,
): GpsFix[] {
  const out: GpsFix[] = [];
  let t = startMs;
  let east = 0;
  let north = 0;
  let heading = headingDeg;
  const cosLat = Math.cos(start.lat * RAD);
  const emit = (v: number): void => {
    out.push({
      tMs: t,
      lat: start.lat + north / M_PER_DEG,
      lng: start.lng + east / (M_PER_DEG * cosLat),
      speedMps: v,
      headingDeg: ((heading % 360) + 360) % 360,
    });
  };
  const move = (v: number): void => {
    east += v * Math.sin(heading * RAD);
    north += v * Math.cos(heading * RAD);
    t += 1000;
    emit(v);
  };
  for (let i = 0; i < 30; i++) {
    t += 1000;
    emit(0);
  }
  const driveLeg = (leg: Leg): void => {
    for (let s = 0; s < leg.durationS; s++) move(leg.speedMps);
    if (leg.brake) {
      for (let v = leg.speedMps - 4.5; v > 0; v -= 4.5) move(v);
      move(0);
      for (let v = 2; v < leg.speedMps; v += 2) move(v);
    }
  };
  for (const leg of legs) {
    heading += leg.turnDeg;
    driveLeg(leg);
  }
  if (returnHome) {
    // Retrace: U-turn, then each leg backwards, undoing its turn afterwards.
    heading += 180;
    for (const leg of [...legs].reverse()) {
      driveLeg(leg);
      heading -= leg.turnDeg;
    }
  }
  // Come to rest gently (2 m/s², below the hard-brake threshold) before parking.
  const last = out[out.length - 1]?.speedMps ?? 0;
  for (let v = last - 2; v > 0; v -= 2) move(v);
  for (let i = 0; i < endRestS; i++) move(0);
  return out;
}
