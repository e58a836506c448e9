import type { APIRoute } from 'astro';
import { z } from 'zod';
import { formatClock } from '../../../lib/shared/hours-format.ts';
import { roomView } from '../../../lib/server/terminals/room.ts';
import { roomRow } from '../../../lib/server/terminals/room-format.ts';

const query = z.object({
  /** Only this room's terminals (the page's room filter); absent: every room. */
  room: z.coerce.number().int().positive().optional().catch(undefined),
});

/**
 * The room view's poll (every few seconds): every terminal's row as the page
 * shows it, in the supervisor's language. One query however many terminals.
 */
export const GET: APIRoute = ({ locals, url }) => {
  const { db, user, config, locale } = locals;
  if (!user) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const { room } = query.parse(Object.fromEntries(url.searchParams));
  const now = Date.now();
  const rows = roomView(db, user, config, { roomId: room ?? null }, now).map((t) => roomRow(t, locale, now));
  return Response.json({ updated: formatClock(now, locale), rows }, { headers: { 'Cache-Control': 'no-store' } });
};
