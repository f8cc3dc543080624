import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_RELEASE_KEY_FILE, localReleaseSeed } from '../../functions/adapters/artefactReleaseKeys.ts';
import { ENV } from '../../lib/resources.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';

/** A local stack for the OTA tests, with its artefacts folder and the release key generated there. */
export interface ArtefactStack {
  stack: LocalStackHandle;
  api: ApiClient;
  /** The artefacts folder (`DASHNET_ARTEFACTS_DIR`), removed by the test. */
  dir: string;
  /** The local stack's release key seed, generated in {@link dir} on first use. */
  seed: Uint8Array;
}

/**
 * Starts the stack the way the OTA tests need it: a fresh artefacts folder, short stream
 * batching, the deletion worker driven by the test, and no rollout cache, since rollouts change
 * within seconds here and ingest must see each at once.
 */
export async function startArtefactStack(prefix: string): Promise<ArtefactStack> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.env[ENV.artefactsDir] = dir;
  const stack = await startLocalStack({
    esm: { maxBatchingWindowS: 0.1 },
    deletionWorkerIntervalMs: 0,
    artefactCacheMs: 0,
  });
  return {
    stack,
    api: new ApiClient(stack.url, stack.operatorToken),
    dir,
    seed: localReleaseSeed(join(dir, LOCAL_RELEASE_KEY_FILE)),
  };
}
