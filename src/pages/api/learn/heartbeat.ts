import type { APIRoute } from 'astro';
import { z } from 'zod';
import { openItem, recordHeartbeat } from '../../../lib/server/learning/study.ts';
import { recordActivity } from '../../../lib/server/terminals/learner-status.ts';

const heartbeatSchema = z.object({
  /** The course of the page the learner has open. */
  courseId: z.string().max(80),
  /** The lesson or quiz on that page. */
  itemId: z.number().int().positive(),
});

/** A visible-page heartbeat: credits active time (capped) to the item. */
export const POST: APIRoute = async ({ locals, request }) => {
  const { db, user, session, timeOnTask } = locals;
  if (!user || !session) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const parsed = heartbeatSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: 'validation.invalid' }, { status: 400 });
  const context = openItem(db, user, parsed.data.courseId, parsed.data.itemId);
  if (!context) return Response.json({ error: 'auth.forbidden' }, { status: 403 });
  if (session.terminalId) recordActivity(db, session.id, parsed.data.courseId, parsed.data.itemId);
  return Response.json({ creditedMs: recordHeartbeat(db, timeOnTask, session.id, context) });
};
