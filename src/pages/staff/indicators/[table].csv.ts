import type { APIRoute } from 'astro';
import { translator } from '../../../lib/i18n/index.ts';
import { tableCsv } from '../../../lib/server/indicators/exports.ts';
import { indicatorReport } from '../../../lib/server/indicators/report.ts';
import { attachment, refusal } from '../../../lib/server/indicators/responses.ts';

/** One table of the indicators report as CSV (suppressed counts only). */
export const GET: APIRoute = ({ locals, url, params }) => {
  const { db, user, locale } = locals;
  if (!user) return new Response('Not found', { status: 404 });
  const tr = translator(locale);
  const result = indicatorReport(db, user, url.searchParams, tr, locale, new Date().toISOString().slice(0, 10));
  if (!result.ok) return refusal(result, tr);
  const table = result.tables.find((t) => t.id === params.table);
  if (!table) return new Response('Not found', { status: 404 });
  const { from, to } = result.query.period;
  return attachment(tableCsv(table), 'text/csv; charset=utf-8', `${table.id}-${from}-${to}.csv`);
};
