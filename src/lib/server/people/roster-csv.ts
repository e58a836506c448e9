import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { EDUCATION_LEVELS, LATVIAN_LEVELS, LOCALES, type EducationLevel, type LatvianLevel, type Locale } from '../../shared/domain.ts';
import { isMessageKey, type MessageKey } from '../../i18n/index.ts';
import { PERSON_NAME_MAX, personNameSchema } from '../../shared/person-name.ts';

/**
 * The prison register's roster file: CSV, UTF-8 (with or without a byte
 * order mark), `,` or `;` between fields (Excel in Latvia writes `;`), a
 * header row naming the columns below in any order, case and spacing.
 * Pure code: reading and checking the file, no database (see roster.ts).
 */

/** The columns, as the header names them. */
export const ROSTER_COLUMNS = [
  'inmate_number',
  'surname',
  'given_names',
  'birth_year',
  'facility_code',
  'expected_release_date',
  'education_level',
  'latvian_level',
  'preferred_language',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** A problem's place: a column, or 'row' for the row as a whole. */
export type RosterField = RosterColumn | 'row';

/** One reason a row is refused, in the reader's language via its message key. */
export interface RosterProblem {
  field: RosterField;
  reason: MessageKey;
  params?: Record<string, string | number>;
}

export const MAX_ROSTER_BYTES = 5 * 1024 * 1024;
export const MAX_ROSTER_ROWS = 20_000;

/** A real calendar date written YYYY-MM-DD (2027-02-30 is refused). */
function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

const TEXT_MAX = { surname: PERSON_NAME_MAX.surname, given_names: PERSON_NAME_MAX.givenNames } as const;
/** A name: the one rule for person names (shared/person-name.ts), the same as the admission and edit forms. */
const name = (max: number) => personNameSchema(max, { required: 'roster.error.required', tooLong: 'roster.error.tooLong', invalid: 'validation.personName' });

/** One row of the roster, checked. Values are trimmed; empty optional values become null. */
export const rosterRowSchema = z.object({
  /** The register's number of the person: 3–20 letters, digits or dashes (never a personal code). Upper-cased. */
  inmate_number: z
    .string()
    .toUpperCase()
    .min(1, { error: 'roster.error.required' })
    .regex(/^[A-Z0-9-]{3,20}$/, { error: 'roster.error.inmateNumber' }),
  /** Surname, as in the register: letters of any alphabet, spaces, hyphens, apostrophes, dots (shared/person-name.ts); stored in NFC. */
  surname: name(TEXT_MAX.surname),
  /** Given names, as in the register, by the same rule. */
  given_names: name(TEXT_MAX.given_names),
  /** Year of birth, 1920–2015; may be empty. */
  birth_year: z
    .string()
    .regex(/^(\d{4})?$/, { error: 'roster.error.birthYear' })
    .transform((s) => (s === '' ? null : Number(s)))
    .refine((y) => y === null || (y >= 1920 && y <= 2015), { error: 'roster.error.birthYear' }),
  /** The facility's code as the administrator defined it (OLA, ILG, …); checked against the database. */
  facility_code: z
    .string()
    .toUpperCase()
    .min(1, { error: 'roster.error.required' })
    .regex(/^[A-Z]{2,6}$/, { error: 'roster.error.facilityCode' }),
  /** Expected release date, YYYY-MM-DD; may be empty (not known). */
  expected_release_date: z
    .string()
    .refine((s) => s === '' || isDate(s), { error: 'roster.error.date' })
    .transform((s) => (s === '' ? null : s)),
  /** none | primary | basic | secondary | vocational | higher (any letter case). */
  education_level: z.string().toLowerCase().pipe(z.enum(EDUCATION_LEVELS, { error: 'roster.error.educationLevel' })),
  /** none | A1 | A2 | B1 | B2 | C1 | C2 (any letter case). */
  latvian_level: z
    .string()
    .transform((s) => (s.toLowerCase() === 'none' ? 'none' : s.toUpperCase()))
    .pipe(z.enum(LATVIAN_LEVELS, { error: 'roster.error.latvianLevel' })),
  /** lv | en | ru: the language the platform starts in for a new learner (any letter case). */
  preferred_language: z.string().toLowerCase().pipe(z.enum(LOCALES, { error: 'roster.error.language' })),
});

/** A row that passed the checks of the file alone (the database's checks come in roster.ts). */
export interface RosterRecord {
  inmateNumber: string;
  surname: string;
  givenNames: string;
  birthYear: number | null;
  facilityCode: string;
  expectedReleaseDate: string | null;
  educationLevel: EducationLevel;
  latvianLevel: LatvianLevel;
  preferredLocale: Locale;
}

/** One data row of the file: its spreadsheet row number, and the record or why it is refused. */
export interface RosterLine {
  /** The row as a spreadsheet numbers it: the header is row 1, the first data row row 2. */
  row: number;
  /** As written in the file (upper-cased, trimmed), for the report even when invalid. */
  inmateNumber: string;
  record: RosterRecord | null;
  errors: RosterProblem[];
}

export type RosterFileErrorCode =
  | 'roster.file.tooLarge'
  | 'roster.file.notUtf8'
  | 'roster.file.empty'
  | 'roster.file.missingColumns'
  | 'roster.file.duplicateColumn'
  | 'roster.file.malformed'
  | 'roster.file.tooManyRows';

/** The file cannot be read as a roster at all. */
export interface RosterFileError {
  ok: false;
  code: RosterFileErrorCode;
  params: Record<string, string | number>;
}

export type ParsedRoster = { ok: true; delimiter: ',' | ';'; lines: RosterLine[] } | RosterFileError;

const fileError = (code: RosterFileErrorCode, params: Record<string, string | number> = {}): RosterFileError => ({ ok: false, code, params });

/** "Inmate Number", " inmate-number " and "INMATE_NUMBER" all name inmate_number. */
export function normalizeHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** The bytes as text: UTF-8 only (a file saved as Windows-1257 would garble names), the BOM dropped, line ends as \n. */
function decode(source: Buffer | string): string | null {
  let text: string;
  if (typeof source === 'string') text = source;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(source);
    } catch {
      return null;
    }
  }
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** `;` when the header has more semicolons than commas (Excel with Latvian settings), else `,`. */
function detectDelimiter(text: string): ',' | ';' {
  const header = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const count = (c: string) => header.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/**
 * Reads a roster file: the header, then every data row checked on its own
 * (which row, which column, why). Rows with the same inmate number as an
 * earlier row are refused. A file that is not a roster at all (not UTF-8,
 * no header, required columns missing, broken quoting) is a file error.
 */
export function parseRoster(source: Buffer | string): ParsedRoster {
  const size = typeof source === 'string' ? Buffer.byteLength(source) : source.length;
  if (size > MAX_ROSTER_BYTES) return fileError('roster.file.tooLarge', { mb: MAX_ROSTER_BYTES / 1024 / 1024 });
  const text = decode(source);
  if (text === null) return fileError('roster.file.notUtf8');
  if (text.trim() === '') return fileError('roster.file.empty');
  const delimiter = detectDelimiter(text);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, info: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    return fileError('roster.file.malformed', { row: err.lines ?? 0 });
  }
  const [head, ...body] = records.filter((r) => r.record.some((v) => v !== ''));
  if (!head) return fileError('roster.file.empty');
  const columns = head.record.map(normalizeHeader);
  const seen = new Set<string>();
  for (const c of columns) {
    if (c !== '' && seen.has(c)) return fileError('roster.file.duplicateColumn', { column: c });
    seen.add(c);
  }
  const missing = ROSTER_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length) return fileError('roster.file.missingColumns', { columns: missing.join(', ') });
  if (body.length > MAX_ROSTER_ROWS) return fileError('roster.file.tooManyRows', { max: MAX_ROSTER_ROWS });

  const index = Object.fromEntries(ROSTER_COLUMNS.map((c) => [c, columns.indexOf(c)])) as Record<RosterColumn, number>;
  const firstRowOf = new Map<string, number>();
  const lines = body.map(({ record, info }): RosterLine => {
    // csv-parse counts the line a record ends on; a quoted value may span lines.
    const row = info.lines - record.reduce((n, v) => n + (v.split('\n').length - 1), 0);
    const line = checkRow(row, record, index, columns.length);
    if (line.inmateNumber) {
      const first = firstRowOf.get(line.inmateNumber);
      if (first === undefined) firstRowOf.set(line.inmateNumber, row);
      else line.errors.unshift({ field: 'inmate_number', reason: 'roster.error.duplicate', params: { row: first } });
    }
    return line.errors.length ? { ...line, record: null } : line;
  });
  return { ok: true, delimiter, lines };
}

function checkRow(row: number, values: string[], index: Record<RosterColumn, number>, width: number): RosterLine {
  const raw = Object.fromEntries(ROSTER_COLUMNS.map((c) => [c, (values[index[c]] ?? '').trim()])) as Record<RosterColumn, string>;
  const inmateNumber = raw.inmate_number.toUpperCase();
  const errors: RosterProblem[] = [];
  if (values.length !== width) errors.push({ field: 'row', reason: 'roster.error.columnCount', params: { found: values.length, expected: width } });
  const parsed = rosterRowSchema.safeParse(raw);
  if (!parsed.success) {
    const byField = new Map<RosterColumn, MessageKey>();
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as RosterColumn;
      if (!byField.has(field)) byField.set(field, isMessageKey(issue.message) ? issue.message : 'roster.error.invalid');
    }
    for (const field of ROSTER_COLUMNS) {
      const reason = byField.get(field);
      if (reason) errors.push({ field, reason, ...(reason === 'roster.error.tooLong' && field in TEXT_MAX ? { params: { max: TEXT_MAX[field as keyof typeof TEXT_MAX] } } : {}) });
    }
    return { row, inmateNumber, record: null, errors };
  }
  const d = parsed.data;
  return {
    row,
    inmateNumber,
    errors,
    record: {
      inmateNumber: d.inmate_number,
      surname: d.surname,
      givenNames: d.given_names,
      birthYear: d.birth_year,
      facilityCode: d.facility_code,
      expectedReleaseDate: d.expected_release_date,
      educationLevel: d.education_level,
      latvianLevel: d.latvian_level,
      preferredLocale: d.preferred_language,
    },
  };
}
