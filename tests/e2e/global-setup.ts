import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { startServer, ROOT } from '../helpers/server.ts';
import { ENTRY, buildIsStale, ensureBuild } from '../../scripts/lib/build.ts';

/**
 * One Tilts server for every browser test: the built app on a fresh
 * temporary database with the demo, on a free port. Workers read its address
 * from TILTS_E2E_BASE_URL. Returns the teardown (stop, remove the data).
 *
 * `npm test` builds before Playwright runs and names the build in
 * TILTS_BUILD_DIR; when Playwright is run on its own (npx playwright test), a
 * missing or stale dist/ is built here.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  if (!process.env.TILTS_BUILD_DIR && (!fs.existsSync(ENTRY) || buildIsStale())) ensureBuild();
  fs.mkdirSync(path.join(ROOT, 'test-results', 'screenshots'), { recursive: true });
  const server = await startServer();
  process.env.TILTS_E2E_BASE_URL = server.baseUrl;
  process.env.TILTS_E2E_DATA_DIR = server.dataDir;
  console.log(`[e2e] Tilts at ${server.baseUrl} (data ${server.dataDir})`);
  return async () => {
    await server.stop();
  };
}
