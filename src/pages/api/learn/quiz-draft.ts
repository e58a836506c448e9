import type { APIRoute } from 'astro';
import { openItem } from '../../../lib/server/learning/study.ts';
import { draftInputSchema, MAX_DRAFT_BYTES, saveQuizDraft } from '../../../lib/server/learning/quiz-drafts.ts';
import { readJsonBody } from '../../../lib/server/http/json.ts';

/** The learner's unsent quiz answers (saved as they type and before learning hours end), shown again when the quiz reopens. */
export const POST: APIRoute = async ({ locals, request }) => {
  const { db, user } = locals;
  if (!user) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const body = await readJsonBody(request, MAX_DRAFT_BYTES);
  if (!body.ok) return Response.json({ error: body.error }, { status: body.status });
  const parsed = draftInputSchema.safeParse(body.value);
  if (!parsed.success) return Response.json({ error: 'validation.invalid' }, { status: 400 });
  const context = openItem(db, user, parsed.data.courseId, parsed.data.itemId);
  if (!context) return Response.json({ error: 'auth.forbidden' }, { status: 403 });
  if (!saveQuizDraft(db, context.learnerId, context.item, parsed.data.version, parsed.data.fields)) return Response.json({ error: 'quiz.changed' }, { status: 409 });
  return new Response(null, { status: 204 });
};
