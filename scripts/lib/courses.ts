import path from 'node:path';
import { ROOT } from './build.ts';

/** Where the course packages are: TILTS_COURSES_DIR, default courses/ in the project. */
export function coursesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(ROOT, env.TILTS_COURSES_DIR ?? 'courses');
}
