import type { APIRoute } from 'astro';
import { z } from 'zod';
import { openItem } from '../../../../lib/server/learning/study.ts';
import { MAX_STATEMENT_BYTES, recordStatement, statementInputSchema } from '../../../../lib/server/learning/h5p-results.ts';
import { readJsonBody } from '../../../../lib/server/http/json.ts';

const bodySchema = statementInputSchema.extend({
  courseId: z.string().max(80),
  itemId: z.number().int().positive(),
});

/** A scored xAPI statement of the H5P activity the learner has open (relayed by the lesson page, never by the player). */
export const POST: APIRoute = async ({ locals, request }) => {
  const { db, user } = locals;
  if (!user) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const body = await readJsonBody(request, MAX_STATEMENT_BYTES + 1024);
  if (!body.ok) return Response.json({ error: body.error }, { status: body.status });
  const parsed = bodySchema.safeParse(body.value);
  if (!parsed.success) return Response.json({ error: 'validation.invalid' }, { status: 400 });
  const context = openItem(db, user, parsed.data.courseId, parsed.data.itemId);
  if (!context) return Response.json({ error: 'auth.forbidden' }, { status: 403 });
  const result = recordStatement(db, context.learnerId, context.course, context.item, parsed.data);
  if (!result.ok) return Response.json({ error: result.code }, { status: 409 });
  return Response.json(result.outcome);
};
