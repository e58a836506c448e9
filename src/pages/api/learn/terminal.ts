import type { APIRoute } from 'astro';
import { z } from 'zod';
import { noticesFor } from '../../../lib/server/terminals/learner-status.ts';

const query = z.object({ after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).catch(0) });

/**
 * The learner page's poll (every ~6 s): when the session closes and any new
 * notices from the supervisor. An ended session answers 401 with the reason
 * (middleware), and the page returns to the sign-in page saying why.
 */
export const GET: APIRoute = ({ locals, url }) => {
  const { db, session } = locals;
  if (!session) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const { after } = query.parse(Object.fromEntries(url.searchParams));
  const notices = session.terminalId ? noticesFor(db, session.terminalId, after, session.createdAt) : [];
  return Response.json({ closesAt: session.expiresAt, notices });
};
