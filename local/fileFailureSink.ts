import { appendFileSync } from 'node:fs';
import type { FailureEntry, FailureSink } from '../functions/runtime/failureSink.ts';

/** Local on-failure destination: one JSON line per failure, payload included; in memory without a file. */
export function fileFailureSink(file: string | undefined): FailureSink & { entries: FailureEntry[] } {
  const entries: FailureEntry[] = [];
  return {
    entries,
    async put(entry) {
      entries.push(entry);
      if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
    },
  };
}
