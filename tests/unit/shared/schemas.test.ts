import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import {
  dateSchema,
  facilitySchema,
  inmateNumberSchema,
  learnerSchema,
  loginSchema,
  passwordChangeSchema,
  passwordSchema,
  pinSchema,
  usernameSchema,
} from '../../../src/lib/shared/schemas.ts';
import { isMessageKey } from '../../../src/lib/i18n/index.ts';

/** The message keys of the errors, by field ('' for the whole value). */
function errors(schema: z.ZodType, value: unknown): Record<string, string> {
  const r = schema.safeParse(value);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('sign-in form', () => {
  test('a learner signs in with an inmate number (any case, spaces trimmed) and PIN', () => {
    expect(loginSchema.parse({ kind: 'learner', inmateNumber: ' a-1001 ', pin: '2468' })).toEqual({ kind: 'learner', inmateNumber: 'A-1001', pin: '2468' });
  });

  test('staff sign in with a username, lower-cased', () => {
    expect(loginSchema.parse({ kind: 'staff', username: ' Ieva.Ozola ', password: 'x' })).toMatchObject({ username: 'ieva.ozola', password: 'x' });
  });

  test('empty fields are reported as required, a forged kind is refused', () => {
    expect(errors(loginSchema, { kind: 'staff', username: '', password: '' })).toEqual({ username: 'validation.required', password: 'validation.required' });
    expect(errors(loginSchema, { kind: 'learner', inmateNumber: 'A1', pin: '' })).toMatchObject({ inmateNumber: 'validation.inmateNumber', pin: 'validation.required' });
    expect(loginSchema.safeParse({ kind: 'admin', username: 'a', password: 'b' }).success).toBe(false);
  });
});

describe('single fields', () => {
  test.each([
    ['ieva.ozola', true],
    ['j_2', true],
    ['ab', false],
    ['.ieva', false],
    ['ieva ozola', false],
    ['ieva@ozola', false],
    ['a'.repeat(41), false],
  ])('username %j valid: %s', (value, ok) => {
    expect(usernameSchema.safeParse(value).success).toBe(ok);
  });

  test('a password needs at least 10 characters', () => {
    expect(errors(passwordSchema, 'short-pass')).toEqual({});
    expect(errors(passwordSchema, 'too-short')).toEqual({ '': 'validation.passwordShort' });
    expect(errors(passwordSchema, 'x'.repeat(201))).toEqual({ '': 'validation.tooLong' });
  });

  test.each([
    ['2027-03-15', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2027-13-01', false],
    ['15.03.2027', false],
    ['2027-3-15', false],
  ])('date %j valid: %s', (value, ok) => {
    expect(dateSchema.safeParse(value).success).toBe(ok);
  });

  test('PINs are 4 to 8 digits, inmate numbers letters, digits and dashes', () => {
    expect(pinSchema.safeParse('2468').success).toBe(true);
    expect(pinSchema.safeParse('24a8').success).toBe(false);
    expect(pinSchema.safeParse('123').success).toBe(false);
    expect(inmateNumberSchema.parse('ab-12')).toBe('AB-12');
    expect(inmateNumberSchema.safeParse("1' OR 1=1").success).toBe(false);
  });

  test('a facility code is 2–6 capital letters', () => {
    expect(facilitySchema.parse({ code: 'ola', name: 'Olaines cietums' }).code).toBe('OLA');
    expect(errors(facilitySchema, { code: 'OLA1', name: '' })).toEqual({ code: 'validation.facilityCode', name: 'validation.required' });
  });

  test('the two new passwords must match', () => {
    expect(errors(passwordChangeSchema, { current: 'a', next: 'long-enough-1', repeat: 'long-enough-2' })).toEqual({ repeat: 'validation.passwordMismatch' });
  });
});

describe('learner form', () => {
  const good = {
    inmateNumber: '204101',
    surname: 'Bērziņš',
    givenNames: 'Mārtiņš',
    birthYear: '1985',
    facilityId: '1',
    educationLevel: 'basic',
    latvianLevel: 'B1',
    expectedReleaseDate: '2027-06-30',
    preferredLocale: 'lv',
  };

  test('a filled form becomes a typed learner, in custody by default', () => {
    expect(learnerSchema.parse(good)).toEqual({ ...good, birthYear: 1985, facilityId: 1, status: 'in_custody' });
  });

  test('empty optional fields become null', () => {
    expect(learnerSchema.parse({ ...good, birthYear: '', expectedReleaseDate: '' })).toMatchObject({ birthYear: null, expectedReleaseDate: null });
  });

  test('every bad field is named with its own message', () => {
    expect(
      errors(learnerSchema, { ...good, surname: ' ', birthYear: '1890', facilityId: '', educationLevel: 'phd', latvianLevel: 'D1', expectedReleaseDate: '30.06.2027' }),
    ).toEqual({
      surname: 'validation.required',
      birthYear: 'validation.birthYear',
      facilityId: 'validation.choose',
      educationLevel: 'validation.choose',
      latvianLevel: 'validation.choose',
      expectedReleaseDate: 'validation.date',
    });
  });

  test('a personal code cannot be smuggled in as an extra field', () => {
    expect(learnerSchema.parse({ ...good, personalCode: '010185-12345' })).not.toHaveProperty('personalCode');
  });
});

test('every error a person can cause by typing is a message key', () => {
  // Forms always send strings; a missing field means a forged request, which
  // parseForm shows as 'validation.invalid'.
  const blank = { inmateNumber: '', surname: '', givenNames: '', birthYear: '1890', facilityId: '', educationLevel: '', latvianLevel: '', expectedReleaseDate: 'x', preferredLocale: 'lv' };
  const samples: Array<[z.ZodType, unknown]> = [
    [loginSchema, { kind: 'learner', inmateNumber: '', pin: '' }],
    [loginSchema, { kind: 'staff', username: '', password: '' }],
    [learnerSchema, blank],
    [learnerSchema, { ...blank, surname: 'x'.repeat(100), facilityId: '-1', birthYear: '2020' }],
    [usernameSchema, '!'],
    [passwordSchema, ''],
    [facilitySchema, { code: '1', name: '' }],
    [passwordChangeSchema, { current: '', next: 'x', repeat: 'y' }],
  ];
  const messages = samples.flatMap(([schema, value]) => Object.values(errors(schema, value)));
  expect(messages.length).toBeGreaterThan(15);
  expect(messages.filter((m) => !isMessageKey(m))).toEqual([]);
});
