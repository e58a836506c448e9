import { describe, expect, test } from 'vitest';
import { parseRoster, ROSTER_COLUMNS } from '../../../src/lib/server/people/roster-csv.ts';
import { normalizePersonName, personNameProblem, PERSON_NAME_MAX } from '../../../src/lib/shared/person-name.ts';
import { learnerSchema } from '../../../src/lib/shared/schemas.ts';

/**
 * One rule for a person's name: the admission and edit forms and the
 * register's roster give the same verdict on the same name (issue 13: the
 * form stored NUL, bell and right-to-left override characters that the roster
 * refused).
 */

const c = (code: number) => String.fromCharCode(code);
const NAMES: Array<[string, boolean]> = [
  ['Bērziņš', true],
  ['Šķēle-Čakste', true],
  ['Ļena Ņina Žanete', true],
  ['Жуков', true],
  ['Алёна-Мария', true],
  ["O'Brien", true],
  ['O’Konnora', true],
  ['J. R.', true],
  ['Be\u0304rzin\u0327s\u030c', true], // combining accents: stored composed (NFC)
  [`Kalni${c(0)}ņš`, false],
  [`Kalniņš${c(7)}`, false],
  [`${c(0x202e)}šņinlaK`, false],
  [`Kalniņš${c(0x200b)}`, false], // zero-width space
  [`Kal${c(0x2066)}niņš`, false], // bidi isolate
  ['Kalniņš\u00a0Ozols', false], // no-break space
  ['Kalniņš\rOzols', false],
  ['Kalniņš\r', true], // whitespace around a name is trimmed, as every form field is
  ['Anna, Marija', false],
  ['R2-D2', false],
  ['<script>', false],
  ['--', false],
  ['x'.repeat(PERSON_NAME_MAX.surname + 1), false],
];

const HEADER = ROSTER_COLUMNS.join(',');
const rosterAccepts = (surname: string) => {
  const line = ['301001', `"${surname.replace(/"/g, '""')}"`, 'Jānis', '1988', 'OLA', '', 'basic', 'B1', 'lv'].join(',');
  const parsed = parseRoster(`${HEADER}\n${line}\n`);
  if (!parsed.ok) throw new Error(parsed.code);
  return parsed.lines[0]!.record !== null;
};
const formAccepts = (surname: string) =>
  learnerSchema.safeParse({
    inmateNumber: 'A-1001',
    surname,
    givenNames: 'Jānis',
    birthYear: '',
    facilityId: '1',
    educationLevel: 'basic',
    latvianLevel: 'B1',
    expectedReleaseDate: '',
    preferredLocale: 'lv',
  }).success;

describe('a person’s name', () => {
  test.each(NAMES)('%j: accepted %s, the same by the rule, the forms and the roster', (name, ok) => {
    expect(personNameProblem(normalizePersonName(name), PERSON_NAME_MAX.surname) === null).toBe(ok);
    expect(formAccepts(name)).toBe(ok);
    // The roster trims cells before reading them; a trailing control character is still refused there.
    expect(rosterAccepts(name)).toBe(ok);
  });

  test('the form stores what the roster stores: trimmed and composed', () => {
    const parsed = learnerSchema.parse({
      inmateNumber: 'A-1001',
      surname: '  Be\u0304rzin\u0327s\u030c ',
      givenNames: 'Jānis',
      birthYear: '',
      facilityId: '1',
      educationLevel: 'basic',
      latvianLevel: 'B1',
      expectedReleaseDate: '',
      preferredLocale: 'lv',
    });
    expect(parsed.surname).toBe('Bērziņš');
    const roster = parseRoster(`${HEADER}\n301001,Be\u0304rzin\u0327s\u030c,Jānis,1988,OLA,,basic,B1,lv\n`);
    expect(roster.ok && roster.lines[0]!.record?.surname).toBe('Bērziņš');
  });

  test('the reason is the same message in both: letters, spaces, hyphens, apostrophes and dots only', () => {
    const roster = parseRoster(`${HEADER}\n301001,Kalni${c(7)}ņš,Jānis,1988,OLA,,basic,B1,lv\n`);
    expect(roster.ok && roster.lines[0]!.errors).toEqual([{ field: 'surname', reason: 'validation.personName' }]);
    const form = learnerSchema.safeParse({ surname: `Kalni${c(7)}ņš` });
    expect(form.success ? null : form.error.issues.find((i) => i.path[0] === 'surname')?.message).toBe('validation.personName');
  });
});
