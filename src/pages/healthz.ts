import type { APIRoute } from 'astro';
import { pingDatabase } from '../lib/server/db.ts';

/** Liveness for the reverse proxy and monitoring: ok only when the database answers. */
export const GET: APIRoute = ({ locals }) =>
  pingDatabase(locals.db) ? Response.json({ status: 'ok' }) : Response.json({ status: 'unavailable' }, { status: 503 });
