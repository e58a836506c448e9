import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AstroCookies } from 'astro';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { runAction, runActions, type PageContext } from '../../../src/actions/runner.ts';
import { addFacility, editFacility } from '../../../src/actions/facilities.ts';
import { createStaffUser, staffUserActions } from '../../../src/actions/users.ts';
import { defineAction } from '../../../src/actions/runner.ts';
import { z } from 'zod';
import { loadConfig } from '../../../src/lib/server/config.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';

/**
 * The action layer as a page uses it: a POSTed form in, field messages (i18n
 * keys), the values typed and the status out; the domain's refusals come back
 * through the shared code → message table.
 */

let p: Prison & { cleanup: () => void; file: string };
beforeAll(async () => {
  p = await createPrison();
});
afterAll(() => p.cleanup());

const cookies = { set() {}, delete() {}, get: () => undefined, has: () => false } as unknown as AstroCookies;

function page(user: SessionUser | null, fields: Record<string, string | string[]>, method = 'POST'): PageContext & { response: { status?: number } } {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  const request = new Request('http://tilts.local/admin/x', method === 'POST' ? { method, body } : { method });
  const locals = { db: p.db, config: loadConfig({ TILTS_DATABASE: p.file } as NodeJS.ProcessEnv), user, locale: 'en' } as unknown as App.Locals;
  return { request, locals, url: new URL(request.url), cookies, response: {} };
}

describe('running a form action', () => {
  test('a GET runs nothing', async () => {
    expect(await runAction(page(p.admin.user, {}, 'GET'), addFacility)).toBeNull();
  });

  test('an admin adds a prison: the done message, no errors', async () => {
    const ctx = page(p.admin.user, { code: 'jel', name: 'Jelgavas cietums', _csrf: 'x' });
    const state = await runAction(ctx, addFacility);
    expect(state).toMatchObject({ ok: true, done: 'facilities.created', errors: {} });
    expect(state?.values).toEqual({ code: 'jel', name: 'Jelgavas cietums' });
    expect(ctx.response.status).toBeUndefined();
  });

  test('bad fields come back as message keys next to each field, with what was typed, and a 400', async () => {
    const ctx = page(p.admin.user, { code: 'J1', name: '' });
    const state = await runAction(ctx, addFacility);
    expect(state).toMatchObject({ ok: false, code: null, errors: { code: 'validation.facilityCode', name: 'validation.required' }, values: { code: 'J1', name: '' } });
    expect(ctx.response.status).toBe(400);
  });

  test("a domain refusal is shown next to the field the action names", async () => {
    const ctx = page(p.admin.user, { code: p.facilityA.code, name: 'Again' });
    const state = await runAction(ctx, addFacility);
    expect(state).toMatchObject({ ok: false, code: 'facility.codeTaken', errors: { code: 'facility.codeTaken' } });
  });

  test('"forbidden" reads the same everywhere and answers 403', async () => {
    const ctx = page(p.educationStaff.user, { role: 'teacher', username: 'new.teacher', displayName: 'New', facilityId: String(p.facilityA.id), preferredLocale: 'lv' });
    const state = await runAction(ctx, createStaffUser);
    expect(state).toMatchObject({ ok: false, code: 'auth.forbidden', errors: { _form: 'error.forbiddenBody' } });
    expect(ctx.response.status).toBe(403);
  });

  test('a signed-out visitor cannot run an action meant for the signed in', async () => {
    const ctx = page(null, { code: 'ZZ', name: 'Nowhere' });
    expect(await runAction(ctx, addFacility)).toMatchObject({ ok: false, errors: { _form: 'error.forbiddenBody' } });
    expect(ctx.response.status).toBe(403);
  });

  test('several forms on a page: the intent field picks the action; an unknown intent is a bad form', async () => {
    const target = p.teacher.user.id;
    const saved = await runActions(page(p.admin.user, { intent: 'update', displayName: 'Renamed Teacher', facilityId: String(p.facilityA.id), preferredLocale: 'en' }), staffUserActions(target));
    expect(saved).toMatchObject({ intent: 'update', ok: true, done: 'common.saved' });
    const reset = await runActions(page(p.admin.user, { intent: 'resetPassword' }), staffUserActions(target));
    expect(reset?.ok && reset.intent === 'resetPassword' && reset.result.password.length).toBeGreaterThan(9);
    const forged = page(p.admin.user, { intent: 'dropTables' });
    expect(await runActions(forged, staffUserActions(target))).toMatchObject({ intent: null, ok: false, errors: { _form: 'validation.badForm' } });
    expect(forged.response.status).toBe(400);
    // `hasOwnProperty` is no action either.
    expect(await runActions(page(p.admin.user, { intent: 'hasOwnProperty' }), staffUserActions(target))).toMatchObject({ ok: false, errors: { _form: 'validation.badForm' } });
  });

  test('a checkbox list arrives whole; a forged value in it is refused', async () => {
    const target = p.educationStaff.user.id;
    const actions = staffUserActions(target);
    expect(await runActions(page(p.admin.user, { intent: 'grants', facility: [String(p.facilityB.id)] }), actions)).toMatchObject({ ok: true });
    expect(await runActions(page(p.admin.user, { intent: 'grants', facility: [String(p.facilityB.id), 'x'] }), actions)).toMatchObject({ ok: false, errors: { facility: 'validation.invalid' } });
    expect(await runActions(page(p.admin.user, { intent: 'grants' }), actions)).toMatchObject({ ok: true });
  });

  test('another prison id in the URL cannot be edited into a clash', async () => {
    const ctx = page(p.admin.user, { code: p.facilityB.code, name: 'Olaine', active: '1' });
    expect(await runAction(ctx, editFacility(p.facilityA.id))).toMatchObject({ ok: false, errors: { code: 'facility.codeTaken' } });
  });

  test("a page's main form sends no intent; two forms with a field of the same name keep their messages apart", async () => {
    const actions = {
      main: defineAction({ input: z.object({ name: z.string().min(1, { error: 'validation.required' }) }), run: () => ({ ok: true as const }) }),
      other: defineAction({ input: z.object({ name: z.string().min(1, { error: 'validation.required' }) }), prefix: 'other', run: () => ({ ok: true as const }) }),
    };
    expect(await runActions(page(p.admin.user, { name: '' }), actions, 'main')).toMatchObject({ intent: 'main', errors: { name: 'validation.required' } });
    expect(await runActions(page(p.admin.user, { intent: 'other', name: '' }), actions, 'main')).toMatchObject({ intent: 'other', errors: { 'other.name': 'validation.required' } });
    // Without a default, a form that names no action is refused.
    expect(await runActions(page(p.admin.user, { name: 'x' }), actions)).toMatchObject({ ok: false, errors: { _form: 'validation.badForm' } });
  });

  test('an upload larger than the action allows is refused before the body is read', async () => {
    const upload = defineAction({ input: z.object({}), maxBytes: 10, messages: { 'request.tooLarge': 'roster.file.tooLarge' }, run: () => ({ ok: true as const }) });
    const ctx = page(p.admin.user, { big: 'x'.repeat(100_000) });
    const headers = new Headers(ctx.request.headers);
    headers.set('content-length', '100000');
    const request = new Request(ctx.request.url, { method: 'POST', headers, body: 'big=' + 'x'.repeat(100_000) });
    const state = await runAction({ ...ctx, request }, upload);
    expect(state).toMatchObject({ ok: false, code: 'request.tooLarge', errors: { _form: 'roster.file.tooLarge' } });
    expect(request.bodyUsed).toBe(false);
  });
});
