import type { APIRoute } from 'astro';
import { t } from '../../../../lib/i18n/index.ts';
import { exportGradebookCsv, getGradebook } from '../../../../lib/server/learning/gradebook.ts';

/** The gradebook as a CSV file for the teacher (audited). */
export const GET: APIRoute = ({ locals, params }) => {
  const { db, user, locale } = locals;
  const book = user ? getGradebook(db, user, params.courseId ?? '') : null;
  if (!book || !user) return new Response('Not found', { status: 404 });
  const csv = exportGradebookCsv(db, user, book, {
    learner: t(locale, 'teach.learner'),
    inmateNumber: t(locale, 'learner.inmateNumber'),
    status: t(locale, 'learner.status'),
    percent: t(locale, 'teach.progress'),
    time: t(locale, 'teach.time'),
  });
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="gradebook-${book.course.id}.csv"`,
    },
  });
};
