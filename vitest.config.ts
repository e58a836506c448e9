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
    // Every core, plus one: mostly CPU-bound (scrypt, SQLite), but some integration files wait on
    // clocks (idle and window ends, throttling), and the extra fork keeps the cores busy meanwhile.
    maxWorkers: os.availableParallelism() + 1,
    projects: [
      {
        extends: true,
        // Generous: some unit tests run command-line tools or worker threads, slow on a loaded 2-core machine.
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
