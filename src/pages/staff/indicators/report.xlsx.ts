import type { APIRoute } from 'astro';
import { translator } from '../../../lib/i18n/index.ts';
import { reportXlsx } from '../../../lib/server/indicators/exports.ts';
import { indicatorReport } from '../../../lib/server/indicators/report.ts';
import { attachment, refusal } from '../../../lib/server/indicators/responses.ts';

/** The whole indicators report as an XLSX workbook, one sheet per table (suppressed counts only). */
export const GET: APIRoute = async ({ locals, url }) => {
  const { db, user, locale } = locals;
  if (!user) return new Response('Not found', { status: 404 });
  const tr = translator(locale);
  const result = indicatorReport(db, user, url.searchParams, tr, locale, new Date().toISOString().slice(0, 10));
  if (!result.ok) return refusal(result, tr);
  const { from, to } = result.query.period;
  const bytes = await reportXlsx(result.tables, { title: tr('indicators.title'), period: `${from} – ${to}` });
  return attachment(new Uint8Array(bytes), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `indicators-${from}-${to}.xlsx`);
};
