import { z } from 'zod';
import { EDUCATION_LEVELS, LATVIAN_LEVELS, LEARNER_STATUSES, LOCALES, ROLES, STAFF_ROLES } from './domain.ts';
import { PERSON_NAME_MAX, personNameSchema } from './person-name.ts';

/**
 * Input schemas for every form. Error messages are message-catalogue keys
 * (src/lib/i18n), so field errors appear in the user's language.
 */

const trimmed = (max: number) => z.string().trim().max(max, { error: 'validation.tooLong' });
const required = (max: number) => trimmed(max).min(1, { error: 'validation.required' });
const optionalId = z
  .union([z.literal(''), z.coerce.number().int().positive()])
  .transform((v) => (v === '' ? null : v));

/** Staff sign-in names: lowercase letters, digits, dot, dash, underscore. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, { error: 'validation.username' });

/** Staff passwords: at least 10 characters (NIST SP 800-63B: length over composition). */
export const passwordSchema = z
  .string()
  .min(10, { error: 'validation.passwordShort' })
  .max(200, { error: 'validation.tooLong' });

/** Inmate numbers as the prison register writes them: letters, digits and dashes. */
export const inmateNumberSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{3,20}$/, { error: 'validation.inmateNumber' });

export const pinSchema = z.string().trim().regex(/^\d{4,8}$/, { error: 'validation.pin' });

export const dateSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'validation.date' })
  .refine((s) => !Number.isNaN(Date.parse(s + 'T00:00:00Z')) && new Date(s + 'T00:00:00Z').toISOString().startsWith(s), {
    error: 'validation.date',
  });

export const loginSchema = z.discriminatedUnion('kind', [
  z.object({
    /** Learners: inmate number and PIN. */
    kind: z.literal('learner'),
    inmateNumber: inmateNumberSchema,
    pin: z.string().min(1, { error: 'validation.required' }).max(20),
    next: z.string().optional(),
  }),
  z.object({
    /** Staff and released persons: username and password. */
    kind: z.literal('staff'),
    username: z.string().trim().toLowerCase().min(1, { error: 'validation.required' }).max(60),
    password: z.string().min(1, { error: 'validation.required' }).max(200),
    next: z.string().optional(),
  }),
]);

export const localeSchema = z.enum(LOCALES);

export const staffUserCreateSchema = z.object({
  /** One of the staff roles or 'released'. */
  role: z.enum([...STAFF_ROLES, 'released'] as const, { error: 'validation.choose' }),
  /** The sign-in name (see usernameSchema). */
  username: usernameSchema,
  /** The name shown to others, as the person writes it. */
  displayName: required(120),
  /** Home facility; required for staff other than admins. */
  facilityId: optionalId,
  /** The language the platform speaks to them. */
  preferredLocale: localeSchema,
});

export const staffUserUpdateSchema = staffUserCreateSchema.omit({ username: true, role: true });

/** A person's name in a form: the one rule of person-name.ts (the roster uses it too). */
const personName = (max: number) => personNameSchema(max, { required: 'validation.required', tooLong: 'validation.tooLong', invalid: 'validation.personName' });

export const learnerSchema = z.object({
  inmateNumber: inmateNumberSchema,
  surname: personName(PERSON_NAME_MAX.surname),
  givenNames: personName(PERSON_NAME_MAX.givenNames),
  birthYear: z
    .union([z.literal(''), z.coerce.number().int().min(1920, { error: 'validation.birthYear' }).max(2015, { error: 'validation.birthYear' })], {
      error: 'validation.birthYear',
    })
    .transform((v) => (v === '' ? null : v)),
  facilityId: z.coerce.number({ error: 'validation.choose' }).int().positive({ error: 'validation.choose' }),
  educationLevel: z.enum(EDUCATION_LEVELS, { error: 'validation.choose' }),
  latvianLevel: z.enum(LATVIAN_LEVELS, { error: 'validation.choose' }),
  expectedReleaseDate: z.union([z.literal(''), dateSchema]).transform((v) => (v === '' ? null : v)),
  /** A new learner is always admitted in custody (the domain refuses anything else); an edit keeps the status (release is its own step). */
  status: z.enum(LEARNER_STATUSES, { error: 'validation.choose' }).default('in_custody'),
  preferredLocale: localeSchema,
});

export const learnerUpdateSchema = learnerSchema.omit({ inmateNumber: true });

export const facilitySchema = z.object({
  /** The prison's short code, 2–6 capital letters (OLA), as the prison register writes it. */
  code: z.string().trim().toUpperCase().regex(/^[A-Z]{2,6}$/, { error: 'validation.facilityCode' }),
  /** The prison's name in Latvian. */
  name: required(120),
});

export const passwordChangeSchema = z
  .object({
    /** The password now, to prove it is the account's owner. */
    current: z.string().min(1, { error: 'validation.required' }),
    /** The new password. */
    next: passwordSchema,
    /** The new password again (a typing slip is caught here). */
    repeat: z.string(),
  })
  .refine((v) => v.next === v.repeat, { error: 'validation.passwordMismatch', path: ['repeat'] });

export const roleSchema = z.enum(ROLES);
