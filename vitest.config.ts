import { defineConfig } from 'vitest/config';

// Under CI a JSON report is written too: .ci/run reads it for its summary line.
const jsonReport = process.env.PWALK_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two files at a time: most of a walk test's time is spent waiting (pauses that hold a race window open,
    // child processes, FUSE delays), so a second file fills the idle core; one at a time took CI past 30 minutes.
    maxWorkers: 2,
    // A test that loses a timing window (a kill landing after the walk ended, a terminal slow to redraw) on a busy
    // machine is tried again; a real failure fails every attempt.
    retry: 2,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
