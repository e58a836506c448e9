import { z } from 'zod';

/**
 * The one rule for a person's name, wherever it comes from (the admission
 * and edit forms, the prison register's roster, the domain functions that
 * write learners): letters of any alphabet (Latvian and Cyrillic included)
 * with their accents, spaces, hyphens, apostrophes and dots; at least one
 * letter; Unicode NFC, so "ā" typed two ways is one name. Control characters
 * (NUL, bell, line breaks, tabs) and invisible formatting such as
 * right-to-left overrides are refused: they would garble lists, documents and
 * certificates, or make a name display as something else.
 */

/** Longest surname and given names (characters), as the register allows. */
export const PERSON_NAME_MAX = { surname: 80, givenNames: 120 } as const;

/** Letters (\p{L}) and combining accents (\p{M}), space, hyphen, apostrophes (' ’ ʼ) and dot. */
const ALLOWED = /^[\p{L}\p{M} .'’ʼ-]+$/u;
const LETTER = /\p{L}/u;

/** What a name is stored as: trimmed and in NFC. */
export function normalizePersonName(raw: string): string {
  return raw.normalize('NFC').trim();
}

export type PersonNameProblem = 'required' | 'tooLong' | 'invalid';

/** Why `name` (already normalised) is not a person's name of at most `max` characters, or null when it is. */
export function personNameProblem(name: string, max: number): PersonNameProblem | null {
  if (name === '') return 'required';
  if ([...name].length > max) return 'tooLong';
  if (!ALLOWED.test(name) || !LETTER.test(name) || name !== normalizePersonName(name)) return 'invalid';
  return null;
}

/**
 * A zod schema for a name field: normalises, then checks with the rule
 * above; `messages` are the message keys of the caller's catalogue section
 * (forms and the roster word the same rule for their readers).
 */
export function personNameSchema(max: number, messages: Record<PersonNameProblem, string>) {
  return z
    .string()
    .transform(normalizePersonName)
    .superRefine((name, ctx) => {
      const problem = personNameProblem(name, max);
      if (problem) ctx.addIssue({ code: 'custom', message: messages[problem] });
    });
}
