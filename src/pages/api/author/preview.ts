import type { APIRoute } from 'astro';
import { MAX_PREVIEW_BYTES, previewDraftLesson, previewInputSchema } from '../../../lib/server/authoring/preview.ts';
import { readJsonBody } from '../../../lib/server/http/json.ts';

/**
 * The lesson editor's live preview (scripts/author-preview.ts): the Markdown as
 * typed, rendered as learners will see it. The middleware lets only course
 * authors reach /api/author; the domain checks that this course is theirs.
 */
export const POST: APIRoute = async ({ locals, request }) => {
  const { db, user } = locals;
  if (!user) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const body = await readJsonBody(request, MAX_PREVIEW_BYTES);
  if (!body.ok) return Response.json({ error: body.error }, { status: body.status });
  const parsed = previewInputSchema.safeParse(body.value);
  if (!parsed.success) return Response.json({ error: 'validation.invalid' }, { status: 400 });
  const preview = previewDraftLesson(db, user, parsed.data.courseId, parsed.data.body);
  if (!preview) return Response.json({ error: 'authoring.notFound' }, { status: 404 });
  return Response.json(preview, { headers: { 'Cache-Control': 'no-store' } });
};
