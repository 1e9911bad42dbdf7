import { defineConfig } from 'vitest/config';

// Under CI a JSON report is written too: .ci/run reads it for its summary line.
const jsonReport = process.env.PWALK_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Walk tests spawn worker threads and child processes; two cores are busy enough with one file at a time.
    fileParallelism: false,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
