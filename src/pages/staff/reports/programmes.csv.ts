import type { APIRoute } from 'astro';
import { z } from 'zod';
import { translator } from '../../../lib/i18n/index.ts';
import { programmeReport, reportCsv } from '../../../lib/server/placement/reports.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The programme figures of a period as CSV (counts only, no learner named). */
export const GET: APIRoute = ({ locals, url }) => {
  const { db, user, locale } = locals;
  if (!user) return new Response('Not found', { status: 404 });
  const from = date.safeParse(url.searchParams.get('from'));
  const to = date.safeParse(url.searchParams.get('to'));
  const tr = translator(locale);
  if (!from.success || !to.success) return new Response(tr('validation.date'), { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const csv = reportCsv(programmeReport(db, user, { from: from.data, to: to.data }), {
    facility: tr('home.facility'),
    programme: tr('programme.title'),
    seats: tr('programme.seats'),
    enrolledNow: tr('report.enrolledNow'),
    waitingNow: tr('report.waitingNow'),
    enrolments: tr('report.enrolments'),
    completions: tr('report.completions'),
    dropouts: tr('report.dropouts'),
  });
  return new Response(csv, {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="programmes-${from.data}-${to.data}.csv"` },
  });
};
