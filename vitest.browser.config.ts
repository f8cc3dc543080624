import { defineConfig } from 'vitest/config';

/**
 * Browser tests: the live map in Debian's chromium through playwright-core. Separate from the
 * main suite because they need a browser binary (`CHROMIUM_PATH`, default /usr/bin/chromium).
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One stack and one browser at a time: two cores.
    maxWorkers: 1,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
