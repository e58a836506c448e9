import { loadConfig } from '../../src/lib/server/config.ts';

/** Where the course packages are: TILTS_COURSES_DIR, default courses/ (see src/lib/server/config.ts). */
export function coursesDir(env: NodeJS.ProcessEnv = process.env): string {
  return loadConfig(env).coursesDir;
}
