import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: [
      'node_modules/**',
      'cdk.out/**',
      '.dashnet/**',
      'dist/**',
      'test/browser/**',
      'test/conformance/**',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration suites each start their own emulators.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
