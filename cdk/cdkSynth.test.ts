import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repoRoot.ts';

const run = promisify(execFile);

describe('npx cdk synth', () => {
  it('synthesises the app through the CDK CLI offline, with cdk-nag passing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dashnet-cdk-cli-'));
    try {
      // No credentials and no instance metadata: the CLI must not need AWS to synthesise.
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: '',
        CDK_DISABLE_VERSION_CHECK: 'true',
      };
      await run('npx', ['cdk', 'synth', '-q', '--no-notices', '--output', out], {
        cwd: REPO_ROOT,
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      const template = JSON.parse(readFileSync(join(out, 'Dashnet-dev.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string }>;
      };
      expect(
        Object.values(template.Resources).some((r) => r.Type === 'AWS::Lambda::EventSourceMapping'),
      ).toBe(true);
      // A failing validation plugin (cdk-nag) would have failed the command; the report says so too.
      const reportFile = join(out, 'validation-report.json');
      if (existsSync(reportFile)) {
        const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
          pluginReports: { violations: unknown[] }[];
        };
        expect(report.pluginReports.flatMap((p) => p.violations)).toEqual([]);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
