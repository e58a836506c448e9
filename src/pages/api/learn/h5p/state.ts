import type { APIRoute } from 'astro';
import { z } from 'zod';
import { openItem } from '../../../../lib/server/learning/study.ts';
import { MAX_STATE_BYTES, saveState, stateInputSchema } from '../../../../lib/server/learning/h5p-results.ts';
import { readJsonBody } from '../../../../lib/server/http/json.ts';

const bodySchema = stateInputSchema.extend({
  courseId: z.string().max(80),
  itemId: z.number().int().positive(),
});

/** The learner's H5P state (where they are in the activity), so they resume there next time. */
export const POST: APIRoute = async ({ locals, request }) => {
  const { db, user } = locals;
  if (!user) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const body = await readJsonBody(request, MAX_STATE_BYTES + 1024);
  if (!body.ok) return Response.json({ error: body.error }, { status: body.status });
  const parsed = bodySchema.safeParse(body.value);
  if (!parsed.success) return Response.json({ error: 'validation.invalid' }, { status: 400 });
  const context = openItem(db, user, parsed.data.courseId, parsed.data.itemId);
  if (!context) return Response.json({ error: 'auth.forbidden' }, { status: 403 });
  if (!saveState(db, context.learnerId, context.item, parsed.data.state)) return Response.json({ error: 'activity.none' }, { status: 409 });
  return new Response(null, { status: 204 });
};
