import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/ensure-chromium.ts';

/**
 * Browser tests: Debian's Chromium (/usr/bin/chromium; `npm test` installs it
 * when missing) against ONE built Tilts server that tests/e2e/global-setup.ts
 * starts on a temporary database and stops afterwards. Tests are grouped by
 * role under tests/e2e/<role>/; each file runs in order in one worker.
 *
 * Reports: the list on the console and test-results/reports/playwright.json
 * (read by scripts/test.ts). Screenshots of every role's main pages:
 * test-results/screenshots/<role>-<what>.png.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  outputDir: 'test-results/playwright',
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/reports/playwright.json' }]],
  use: {
    // Set by the global setup (workers start after it and inherit it).
    baseURL: process.env.TILTS_E2E_BASE_URL,
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath() ?? undefined, args: CHROMIUM_ARGS },
    ...devices['Desktop Chrome'],
    viewport: { width: 1280, height: 800 },
    locale: 'lv-LV',
    timezoneId: 'Europe/Riga',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
