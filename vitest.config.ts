import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Unit tests (tests/unit) run against temporary databases in-process;
 * integration tests (tests/integration) start a real server and get more time.
 * Test files run in parallel in forked workers (better-sqlite3 is a native
 * module; one process per worker keeps each file's databases apart).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // Every core: the suite is CPU-bound (scrypt, SQLite), not I/O-bound.
    maxWorkers: os.availableParallelism(),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
