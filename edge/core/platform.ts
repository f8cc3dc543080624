import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { ModelLoader, ModelRunner } from './modelRunner.ts';
import type { Random } from './random.ts';
import type { KeyValueStorage } from './storage.ts';
import type { Gzip, Transport } from './transport.ts';

/**
 * Everything the pipeline may use from the world it runs in. Nothing else is reached for:
 * `edge/` code must run unmodified on QuickJS (no `node:*`, no WebAssembly, no timers).
 */
export interface EdgePlatform {
  clock: Clock;
  random: Random;
  storage: KeyValueStorage;
  logger: Logger;
  /** Absent in replay: nothing is sent. */
  transport?: Transport;
  /** Absent where the runtime has no compressor (QuickJS): bodies then go uncompressed. */
  gzip?: Gzip;
  modelLoader?: ModelLoader;
  badas?: ModelRunner;
}
