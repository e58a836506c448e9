import type { APIRoute } from 'astro';
import { exportGradebookCsv, getGradebook } from '../../../../lib/server/learning/gradebook.ts';

/** The gradebook as a CSV file for the teacher (audited). */
export const GET: APIRoute = ({ locals, params }) => {
  const { db, user, locale } = locals;
  const book = user ? getGradebook(db, user, params.courseId ?? '') : null;
  if (!book || !user) return new Response('Not found', { status: 404 });
  const csv = exportGradebookCsv(db, user, book, locale);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="gradebook-${book.course.id}.csv"`,
    },
  });
};
