import { z } from 'zod';
import { dateSchema, passwordSchema } from './schemas.ts';

/**
 * The forms of the released-person portal. Error messages are message keys
 * (src/lib/i18n), shown next to the field in the reader's language.
 */

/** The code as printed: 12 letters and digits, dashes and spaces allowed. */
const codeSchema = z
  .string({ error: 'validation.required' })
  .trim()
  .min(1, { error: 'validation.required' })
  .max(40, { error: 'activation.codeFormat' })
  .regex(/^[A-Za-z0-9\s-]+$/, { error: 'activation.codeFormat' })
  .refine((v) => v.replace(/[\s-]/g, '').length === 12, { error: 'activation.codeFormat' });

/** Step 1 of activation: the code and the person's birth date. */
export const activationCheckSchema = z.object({
  /** The one-time code from the release sheet. */
  code: codeSchema,
  /** The person's birth date, YYYY-MM-DD (what a date field sends). */
  birthDate: dateSchema,
});

/** Step 2: the same two again (the page keeps them in hidden fields) and the new password twice. */
export const activationPasswordSchema = activationCheckSchema
  .extend({
    /** At least 10 characters, as staff passwords. */
    password: passwordSchema,
    /** The same password again. */
    repeat: z.string().max(200),
  })
  .refine((v) => v.password === v.repeat, { error: 'validation.passwordMismatch', path: ['repeat'] });

/** Staff issuing a code: the birth date, required only when the record has none. */
export const activationIssueSchema = z.object({
  /** YYYY-MM-DD, or empty to keep the recorded one. */
  birthDate: z.union([z.literal(''), dateSchema]).transform((v) => (v === '' ? null : v)),
});

/** The portal's own sign-in form (released persons only). */
export const portalLoginSchema = z.object({
  /** The sign-in name shown after activation. */
  username: z.string().trim().toLowerCase().min(1, { error: 'validation.required' }).max(60, { error: 'validation.tooLong' }),
  password: z.string().min(1, { error: 'validation.required' }).max(200, { error: 'validation.tooLong' }),
  /** Where to go afterwards (a local path). */
  next: z.string().optional(),
});
