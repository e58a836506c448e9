import type { APIRoute } from 'astro';
import { exportDraftZip } from '../../../../lib/server/authoring/courses.ts';

/** The course as a package .zip in the courses/ format (audited). */
export const GET: APIRoute = async ({ locals, params }) => {
  const { db, user } = locals;
  const courseId = params.courseId ?? '';
  const zip = user ? await exportDraftZip(db, user, courseId) : null;
  if (!zip) return new Response('Not found', { status: 404 });
  return new Response(new Uint8Array(zip), {
    headers: { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${courseId}.zip"` },
  });
};
