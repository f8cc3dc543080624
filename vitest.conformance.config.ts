import { defineConfig } from 'vitest/config';

/**
 * Conformance: the pipeline and every adapter on AWS's DynamoDB Local (Java) and kinesis-local
 * (kinesis-mock), started per file as child processes. Separate from the main suite, which runs
 * on the embedded kinesalite + dynalite: these need Java and start slowly.
 */
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    // JVM start plus table creation on DynamoDB Local; kinesis-mock is slower than kinesalite.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: one file per core, each with its own emulators.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
