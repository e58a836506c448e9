import type { APIRoute } from 'astro';
import { databaseHealth } from '../lib/server/storage/state.ts';

/**
 * Liveness for the reverse proxy and monitoring: ok only when the database
 * answers and no check or request found it damaged; `database` says which.
 */
export const GET: APIRoute = ({ locals }) => {
  const health = databaseHealth(locals.db, locals.config.databaseFile);
  return health.database === 'ok' ? Response.json({ status: 'ok', ...health }) : Response.json({ status: 'unavailable', ...health }, { status: 503 });
};
