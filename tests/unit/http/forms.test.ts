import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { parseForm, parseQuery } from '../../../src/lib/server/http/forms.ts';
import { learnerSchema, loginSchema } from '../../../src/lib/shared/schemas.ts';

const post = (fields: Record<string, string>) =>
  new Request('http://tilts.local/x', { method: 'POST', body: new URLSearchParams(fields) });

describe('reading forms', () => {
  test('a good form gives typed data and keeps what was typed', async () => {
    const r = await parseForm(post({ kind: 'learner', inmateNumber: 'a-1001', pin: '2468' }), loginSchema);
    expect(r).toEqual({ ok: true, data: { kind: 'learner', inmateNumber: 'A-1001', pin: '2468' }, values: { kind: 'learner', inmateNumber: 'a-1001', pin: '2468' } });
  });

  test('a bad form gives one message key per field and the typed values back', async () => {
    const r = await parseForm(post({ kind: 'staff', username: '', password: '' }), loginSchema);
    expect(r).toEqual({ ok: false, errors: { username: 'validation.required', password: 'validation.required' }, values: { kind: 'staff', username: '', password: '' } });
  });

  test('a forged form with fields missing is shown as invalid, never with zod\'s English', async () => {
    const r = await parseForm(post({ surname: 'Ozols' }), learnerSchema);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.inmateNumber).toBe('validation.invalid');
    expect(Object.values(r.errors).every((m) => typeof m === 'string' && /^validation\./.test(m))).toBe(true);
  });

  test('a body that is not a form is reported as such', async () => {
    const r = await parseForm(new Request('http://tilts.local/x', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'junk' }), loginSchema);
    expect(r).toEqual({ ok: false, errors: { _form: 'validation.badForm' }, values: {} });
  });
});

describe('reading query filters', () => {
  const filter = z.object({ page: z.coerce.number().int().positive().default(1), q: z.string().optional() });

  test('bad values are dropped, good ones kept', () => {
    expect(parseQuery(new URL('http://t/x?page=-3&q=ozol'), filter)).toEqual({ page: 1, q: 'ozol' });
    expect(parseQuery(new URL('http://t/x?page=2'), filter)).toEqual({ page: 2 });
  });
});
