/**
 * Where the pipeline gets "now" from. On a camera it is the system clock; in replay it is the
 * sensor time of the latest sample, so a replay is a pure function of its input.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

/** A clock that is set explicitly (replay, tests): `set` moves it, it never moves by itself. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(startMs = 0) {
    this.ms = startMs;
  }

  nowMs(): number {
    return this.ms;
  }

  /** Moves the clock to `ms`; never backwards, so a late sample cannot rewind batch ages. */
  set(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}
