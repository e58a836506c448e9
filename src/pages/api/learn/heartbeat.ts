import type { APIRoute } from 'astro';
import { z } from 'zod';
import { openItem, recordHeartbeat } from '../../../lib/server/learning/study.ts';
import { recordActivity } from '../../../lib/server/terminals/learner-status.ts';
import { readJsonBody } from '../../../lib/server/http/json.ts';

/** A heartbeat is a course id and an item number: a few dozen bytes. */
const MAX_HEARTBEAT_BYTES = 1024;

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
  const body = await readJsonBody(request, MAX_HEARTBEAT_BYTES);
  if (!body.ok) return Response.json({ error: body.error }, { status: body.status });
  const parsed = heartbeatSchema.safeParse(body.value);
  if (!parsed.success) return Response.json({ error: 'validation.invalid' }, { status: 400 });
  const context = openItem(db, user, parsed.data.courseId, parsed.data.itemId);
  if (!context) return Response.json({ error: 'auth.forbidden' }, { status: 403 });
  if (session.terminalId) recordActivity(db, session.id, parsed.data.courseId, parsed.data.itemId);
  return Response.json({ creditedMs: recordHeartbeat(db, timeOnTask, session.id, context) });
};
