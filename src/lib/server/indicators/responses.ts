import type { Translator } from '../../i18n/index.ts';
import type { IndicatorReport } from './report.ts';

/** A refused export: 403 for a reader without prisons, 400 naming each bad field in the reader's language. */
export function refusal(result: Exclude<IndicatorReport, { ok: true }>, tr: Translator): Response {
  const text = result.code === 'auth.forbidden' ? tr('indicators.invalid') : Object.entries(result.errors).map(([field, key]) => `${field}: ${tr(key!)}`).join('\n');
  return new Response(text + '\n', { status: result.code === 'auth.forbidden' ? 403 : 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** A file download that is never cached (figures change, and they are about people). */
export function attachment(body: string | Uint8Array, type: string, name: string): Response {
  return new Response(body as BodyInit, {
    headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
  });
}
