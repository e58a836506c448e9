import type { z } from 'zod';
import { isMessageKey, type MessageKey } from '../../i18n/index.ts';

/** Field name → message key, shown next to the field in the user's language. */
export type FieldErrors = Partial<Record<string, MessageKey>>;

export type FormResult<T> =
  | { ok: true; data: T; values: Record<string, string> }
  | { ok: false; errors: FieldErrors; values: Record<string, string> };

/**
 * The longest value shown again in a refused form. Bodies are small anyway
 * (http/body-limits.ts), but upload forms may be large: a page never echoes
 * megabytes back.
 */
export const MAX_ECHO_CHARS = 20_000;

/**
 * Reads a urlencoded or multipart form and validates it with `schema`. On
 * failure it returns the first message per field and the submitted values,
 * so the form can be shown again with nothing the person typed lost.
 */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S): Promise<FormResult<z.output<S>>> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { ok: false, errors: { _form: 'validation.badForm' }, values: {} };
  }
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === 'string') values[key] = value;
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  for (const key of Object.keys(values)) values[key] = values[key]!.slice(0, MAX_ECHO_CHARS);
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : '_form';
    if (!errors[field]) errors[field] = isMessageKey(issue.message) ? issue.message : 'validation.invalid';
  }
  return { ok: false, errors, values };
}

/** Reads a query-string filter; invalid values are dropped rather than failing the page. */
export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const raw = Object.fromEntries(url.searchParams.entries());
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const clean: Record<string, string> = { ...raw };
  for (const issue of parsed.error.issues) if (issue.path[0] !== undefined) delete clean[String(issue.path[0])];
  const retry = schema.safeParse(clean);
  return retry.success ? retry.data : schema.parse({});
}
