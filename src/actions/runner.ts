import type { AstroCookies } from 'astro';
import { MAX_ECHO_CHARS } from '../lib/server/http/forms.ts';
import type { z } from 'zod';
import type { Db } from '../lib/server/db.ts';
import type { Config } from '../lib/server/config.ts';
import type { SessionUser } from '../lib/server/session.ts';
import type { Locale } from '../lib/shared/domain.ts';
import { isMessageKey, type MessageKey } from '../lib/i18n/index.ts';
import type { FieldErrors } from '../lib/server/http/forms.ts';
import { messageOfCode, statusOfCode } from '../lib/shared/result-messages.ts';

/**
 * The tiny runner of the action layer (docs/actions.md). A page hands it its
 * actions; on a POST it reads the form once, picks the action named by the
 * `intent` field, validates the fields with the action's zod schema, makes the
 * action's one domain call and maps the answer to messages through the shared
 * code → message table. The page then only renders the returned state.
 */

/** A domain call's answer: `{ ok: true, …data }` or an expected failure with a code. */
export type Answer = { ok: true } | { ok: false; code: string };
type Success<R> = Extract<R, { ok: true }>;
/** A failure as the domain gave it (some carry details, e.g. a package's refusal). */
export type Failure = { ok: false; code: string; [detail: string]: unknown };

/** What an action's call gets besides its validated input. */
export interface ActionContext {
  db: Db;
  config: Config;
  locale: Locale;
  /** The signed-in person (actions of signed-out visitors say `anonymous: true` and read `locals.user`). */
  user: SessionUser;
  locals: App.Locals;
  url: URL;
  cookies: AstroCookies;
  /** The request (its body is already read: for headers such as the user agent). */
  request: Request;
}

/** One state change: a documented zod schema, one domain call, and where its failures show. */
export interface FormAction<S extends z.ZodType = z.ZodType, R extends Answer = Answer> {
  /** The form's fields; every field carries a `/** *\/` comment. */
  input: S;
  /** The one domain call (the domain function checks the policy and the scope itself). */
  run: (input: z.output<S>, ctx: ActionContext) => R | Promise<R>;
  /** Failure codes shown next to a field instead of above the form: code → field name. */
  fields?: Readonly<Record<string, string>>;
  /** Where the other failures show (default: above the form, `_form`). */
  at?: string;
  /**
   * Prefixes this action's message keys (`transfer.` gives `transfer.onDate`,
   * `transfer._form`) when several forms on one page have fields of the same name.
   */
  prefix?: string;
  /**
   * The schema validates the whole FormData (a form whose fields are not a
   * fixed set, e.g. the quiz editor's numbered questions).
   */
  raw?: true;
  /** Messages for codes that read differently on this form than in the shared table. */
  messages?: Readonly<Record<string, MessageKey>>;
  /** Fields read with every value (checkbox lists), as string arrays. */
  lists?: readonly string[];
  /** Fields read from the address's query when the form lacks them (a row's button posting to `?do=removeSlot&slot=3`). */
  query?: readonly string[];
  /**
   * A form of hidden fields only cannot be mistyped: when it does not validate
   * it was forged or is stale, and reads as this domain code instead of
   * messages next to fields nobody sees.
   */
  invalid?: string;
  /** Refuse a body larger than this before reading it (code `request.tooLarge`; applies when every action of the page names one). */
  maxBytes?: number;
  /** Signed-out visitors may run it (sign-in forms); otherwise they get `auth.forbidden`. */
  anonymous?: boolean;
  /** The message shown after success. */
  done?: MessageKey | ((result: NoInfer<Success<R>>) => MessageKey | null);
  /** Where to go after success (303, so a reload does not post again). */
  redirect?: (result: NoInfer<Success<R>>, ctx: ActionContext) => string;
}

/** Declares an action (an identity function that keeps the schema's and the answer's types). */
export function defineAction<S extends z.ZodType, R extends Answer>(action: FormAction<S, R>): FormAction<S, R> {
  return action;
}

// `any`: a page's actions differ in schema and answer; each keeps its own types through FormState.
type AnyAction = FormAction<any, any>;
type SuccessOf<A> = A extends FormAction<any, infer R> ? Success<R> : never;

/** The strings typed, to show the form again with nothing lost. */
export type FormValues = Record<string, string>;

/** After a POST: which action ran, and what to show. */
export type FormState<A extends Record<string, AnyAction>> =
  | { [K in keyof A & string]: { intent: K; ok: true; result: SuccessOf<A[K]>; done: MessageKey | null; errors: FieldErrors; values: FormValues; response: Response | null } }[keyof A & string]
  | {
      intent: (keyof A & string) | null;
      ok: false;
      /** The domain's code, or null when the fields did not validate. */
      code: string | null;
      /** The domain's whole failure, when it failed. */
      failure: Failure | null;
      done: null;
      errors: FieldErrors;
      values: FormValues;
      response: null;
    };

/** The parts of Astro's page or endpoint context the runner uses. */
export interface PageContext {
  request: Request;
  locals: App.Locals;
  url: URL;
  cookies: AstroCookies;
  /** A page's response, whose status the runner sets on failure (endpoints have none). */
  response?: { status?: number };
}

/** The field naming the action when a page has several forms… */
export const INTENT_FIELD = 'intent';
/** …or, for forms posting to `?do=<intent>` (the supervisor's pages), the query parameter. */
export const INTENT_QUERY = 'do';

/** Runs the page's one form action on a POST; null on any other method. */
export async function runAction<A extends AnyAction>(page: PageContext, action: A): Promise<FormState<{ form: A }> | null> {
  return run(page, { form: action }, () => 'form');
}

/**
 * Runs the action named by the form's `intent` field on a POST; null on any
 * other method. `otherwise` names the action of the page's main form, which
 * sends no intent.
 */
export async function runActions<A extends Record<string, AnyAction>>(
  page: PageContext,
  actions: A,
  otherwise?: keyof A & string,
  /** The field naming the action, when a page's forms call it otherwise (the activation's `step`). */
  intentField = INTENT_FIELD,
): Promise<FormState<A> | null> {
  return run(page, actions, (form) => {
    const field = form?.get(intentField);
    const intent = (typeof field === 'string' && field !== '' ? field : page.url.searchParams.get(INTENT_QUERY)) ?? (form ? otherwise : undefined) ?? null;
    return intent !== null && Object.hasOwn(actions, intent) ? intent : null;
  });
}

async function run<A extends Record<string, AnyAction>>(
  page: PageContext,
  actions: A,
  pick: (form: FormData | null) => string | null,
): Promise<FormState<A> | null> {
  if (page.request.method !== 'POST') return null;
  // When every action of the page names a limit, an oversized body is refused before it is read (multipart framing adds a little).
  const all = Object.values(actions);
  const limit = all.every((a) => a.maxBytes !== undefined) ? Math.max(...all.map((a) => a.maxBytes!)) : undefined;
  if (limit !== undefined && Number(page.request.headers.get('content-length') ?? 0) > limit + 64 * 1024) {
    if (page.response) page.response.status = 400;
    const message = all.find((a) => a.messages?.['request.tooLarge'])?.messages?.['request.tooLarge'] ?? 'validation.badForm';
    return { intent: null, ok: false, code: 'request.tooLarge', failure: { ok: false, code: 'request.tooLarge' }, done: null, errors: { _form: message }, values: {}, response: null };
  }
  const form = await page.request.formData().catch(() => null);
  const values = stringsOf(form);
  const intent = pick(form);
  const fail = (errors: FieldErrors, status: number, code: string | null = null, failure: Failure | null = null): FormState<A> => {
    if (page.response) page.response.status = status;
    const prefix = intent === null ? undefined : actions[intent]?.prefix;
    if (prefix) errors = Object.fromEntries(Object.entries(errors).map(([field, key]) => [`${prefix}.${field}`, key]));
    return { intent: intent as (keyof A & string) | null, ok: false, code, failure, done: null, errors, values, response: null };
  };
  if (!form || intent === null) return fail({ _form: 'validation.badForm' }, 400);
  const action = actions[intent]!;
  const { user } = page.locals;
  if (!user && !action.anonymous) return fail({ _form: messageOfCode('auth.forbidden') }, 403, 'auth.forbidden');

  const failed = (failure: Failure) => {
    const code = failure.code;
    // A failure may carry its own field messages (the quiz editor's questions).
    if (failure.fieldErrors && typeof failure.fieldErrors === 'object') return fail(failure.fieldErrors as FieldErrors, statusOfCode(code), code, failure);
    // A failure may name its message itself when it depends on the input (a wrong PIN rather than a wrong password).
    const own = typeof failure.message === 'string' && isMessageKey(failure.message) ? failure.message : undefined;
    const message = own ?? action.messages?.[code] ?? messageOfCode(code);
    // Where the message shows: the action says, else the domain named the field, else above the form.
    const field = action.fields?.[code] ?? (typeof failure.field === 'string' ? failure.field : (action.at ?? '_form'));
    return fail({ [field]: message }, statusOfCode(code), code, failure);
  };

  const parsed = action.input.safeParse(action.raw ? form : inputOf(form, action, page.url));
  if (!parsed.success) return action.invalid ? failed({ ok: false, code: action.invalid }) : fail(fieldErrorsOf(parsed.error.issues), 400);

  const ctx: ActionContext = { db: page.locals.db, config: page.locals.config, locale: page.locals.locale, user: user!, locals: page.locals, url: page.url, cookies: page.cookies, request: page.request };
  const answer = (await action.run(parsed.data, ctx)) as Answer & Record<string, unknown>;
  if (!answer.ok) return failed(answer as Failure);
  const done = typeof action.done === 'function' ? action.done(answer) : (action.done ?? null);
  const to = action.redirect?.(answer, ctx);
  const response = to ? new Response(null, { status: 303, headers: { location: to } }) : null;
  return { intent, ok: true, result: answer, done, errors: {}, values, response } as FormState<A>;
}

/**
 * The form's text fields (the last value of a repeated name), without the CSRF
 * token, each cut to MAX_ECHO_CHARS: a refused form never echoes a huge value back.
 */
function stringsOf(form: FormData | null): FormValues {
  const values: FormValues = {};
  for (const [key, value] of form?.entries() ?? []) if (typeof value === 'string' && key !== '_csrf') values[key] = value.slice(0, MAX_ECHO_CHARS);
  return values;
}

/** What the schema sees: strings, uploaded files, the list fields as arrays, and the query fields the form lacks. */
function inputOf(form: FormData, action: AnyAction, url: URL): Record<string, unknown> {
  const lists: readonly string[] = action.lists ?? [];
  const input: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) if (key !== '_csrf' && !lists.includes(key)) input[key] = value;
  for (const key of lists) input[key] = form.getAll(key).filter((v) => typeof v === 'string');
  for (const key of action.query ?? []) if (!(key in input) && url.searchParams.has(key)) input[key] = url.searchParams.get(key);
  return input;
}

/** The first message per field; a schema's messages are i18n keys (anything else reads as "not valid"). */
export function fieldErrorsOf(issues: z.ZodError['issues']): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.length ? String(issue.path[0]) : '_form';
    if (!errors[field]) errors[field] = isMessageKey(issue.message) ? issue.message : 'validation.invalid';
  }
  return errors;
}

/** What a page shows of a state: the field messages, the values typed and the done message (all empty before a POST). */
export function formView(state: { errors: FieldErrors; values: FormValues; done: MessageKey | null } | null): { errors: FieldErrors; values: FormValues; done: MessageKey | null } {
  return state ? { errors: state.errors, values: state.values, done: state.done } : { errors: {}, values: {}, done: null };
}
