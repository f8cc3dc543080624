import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artefactCommand } from '../../bin/commands/artefact.ts';
import { LOCAL_RELEASE_KEY_FILE } from '../../functions/adapters/artefactReleaseKeys.ts';
import { ENV } from '../../lib/resources.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';

/**
 * `dashnet artefact` against a local stack with a data directory: the stack generates its release
 * key there on first start, `publish` signs with it and reads the operator token from the same
 * directory, `promote` and `status` follow, and a camera is offered what was published.
 */
let stack: LocalStackHandle;
let dataDir: string;
const lines: string[] = [];
const run = (...argv: string[]) =>
  artefactCommand([...argv, '--data-dir', dataDir, '--api', stack.url], { log: (l) => lines.push(l) });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dashnet-ota-cli-'));
  delete process.env[ENV.artefactsDir];
  stack = await startLocalStack({ dataDir, deletionWorkerIntervalMs: 0 });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  delete process.env[ENV.artefactsDir];
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dashnet artefact through the local stack', () => {
  it('publishes with the release key the stack generated in its data directory, then completes and serves it', async () => {
    expect(existsSync(join(dataDir, 'artefacts', LOCAL_RELEASE_KEY_FILE))).toBe(true);
    const file = join(dataDir, 'profile.json');
    writeFileSync(file, JSON.stringify({ targetExposureMs: 30, denoise: [0.1, 0.4] }));
    const line = ['--kind', 'isp_profile', '--name', 'isp-night-cm-a'];
    expect(
      await run('publish', '--file', file, ...line, '--version', '1.0.0', '--camera-models', 'cm-a'),
    ).toBe(0);
    expect(await run('promote', ...line, '--version', '1.0.0', '--percent', '100')).toBe(0);
    expect(await run('status', ...line)).toBe(0);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      current: '1.0.0',
      versions: [{ version: '1.0.0', status: 'complete' }],
    });
    // Versions only go up: the same version again is refused (exit 1).
    expect(await run('publish', '--file', file, ...line, '--version', '1.0.0')).toBe(1);

    const api = new ApiClient(stack.url, stack.operatorToken);
    const cam = await api.camera();
    const offer = await api.request('GET', '/v1/config/current?cameraModel=cm-a&firmware=1.0.0', {
      token: cam.token,
    });
    expect(offer.status).toBe(200);
    expect(offer.body).toMatchObject({
      kind: 'isp_profile',
      version: '1.0.0',
      rollout: { cohort: 'control', stagePercent: 100 },
    });
    const other = await api.request('GET', '/v1/config/current?cameraModel=cm-z', { token: cam.token });
    expect(other.status).toBe(204);
  }, 60_000);
});
