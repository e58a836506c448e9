import { describe, expect, test } from 'vitest';
import type { CertificateContent } from '../../../src/lib/server/certificates/content.ts';
import { certificatePdf } from '../../../src/lib/server/certificates/pdf.ts';
import { transcriptPdf, type Transcript } from '../../../src/lib/server/certificates/transcript.ts';
import { activationSheetPdf } from '../../../src/lib/server/portal/activation-sheet.ts';
import { containsWithoutSpaces, fuzzyDistance, NEEDS_OCR, normalise, ocrAvailable, readFirstPage } from '../../helpers/ocr.ts';

/**
 * Every kind of document, drawn the way a viewer draws it (poppler) and read
 * back by OCR (tesseract): the holder's name with its diacritics or Cyrillic
 * letters, the title and the serial must be visible on paper. Extracting the
 * text would not do: in issue 12 the text was extractable while most letters
 * were drawn blank. OCR is fuzzy, so names and titles (read in their own
 * language) may be an edit or two off, diacritics included; the serial (read
 * in English) must be exact: its alphabet has no look-alike characters.
 */

const VERIFY = 'https://tilts.example.lv/verify';
const PROVIDER = 'Profesionālās izglītības kompetences centrs „Meistars”';

const base = {
  v: 1 as const,
  level: null,
  issuer: PROVIDER,
  issuedOn: '2026-03-02',
  completedOn: '2026-02-27',
};

const documents: Array<{ kind: string; langs: string; name: string; title: string; serial: string; render: () => Promise<Uint8Array> }> = [
  {
    kind: 'module certificate',
    langs: 'lav',
    name: 'Žanna Ķēniņa',
    title: 'Ēdienu gatavošanas pamati',
    serial: 'TLT-2026-K7QM-3XPA',
    render: () =>
      certificatePdf(
        { ...base, serial: 'TLT-2026-K7QM-3XPA', kind: 'module', holderName: 'Žanna Ķēniņa', title: { lv: 'Ēdienu gatavošanas pamati' }, hours: 40 } satisfies CertificateContent,
        `${VERIFY}/TLT-2026-K7QM-3XPA`,
      ),
  },
  {
    kind: 'professional-development certificate',
    langs: 'lav',
    name: 'Mārtiņš Ozoliņš',
    title: 'Pavāra palīgs',
    serial: 'TLT-2026-9HWD-R4TE',
    render: () =>
      certificatePdf(
        {
          ...base,
          serial: 'TLT-2026-9HWD-R4TE',
          kind: 'professional_development',
          holderName: 'Mārtiņš Ozoliņš',
          title: { lv: 'Pavāra palīgs' },
          hours: 160,
          level: 'LKI 2',
          items: [
            { title: { lv: 'Darba drošība virtuvē' }, hours: 40, completedOn: '2026-01-10' },
            { title: { lv: 'Ēdienu gatavošanas pamati' }, hours: 120, completedOn: '2026-02-27' },
          ],
        } satisfies CertificateContent,
        `${VERIFY}/TLT-2026-9HWD-R4TE`,
      ),
  },
  {
    kind: 'statement of achievement with a Cyrillic name',
    langs: 'rus+lav',
    name: 'Дмитрий Кузнецов',
    title: 'Metinātāja palīgs',
    serial: 'TLT-2026-M3KP-7QXE',
    render: () =>
      certificatePdf(
        {
          ...base,
          serial: 'TLT-2026-M3KP-7QXE',
          kind: 'statement',
          holderName: 'Дмитрий Кузнецов',
          title: { lv: 'Metinātāja palīgs' },
          hours: 40,
          items: [
            { title: { lv: 'Metināšanas pamati' }, hours: 40, completedOn: '2026-02-01' },
            { title: { lv: 'Metināšanas prakse' }, hours: 80, completedOn: null, progressPercent: 35 },
            { title: { lv: 'Latviešu valoda A2' }, hours: 120, completedOn: null, progressPercent: 60, outside: true },
          ],
        } satisfies CertificateContent,
        `${VERIFY}/TLT-2026-M3KP-7QXE`,
      ),
  },
  {
    kind: 'transcript',
    langs: 'lav',
    name: 'Līga Šņepste',
    title: 'Datorprasmes darbam',
    serial: 'TLT-2026-T6GH-JK3N',
    render: () =>
      transcriptPdf(
        {
          holderName: 'Līga Šņepste',
          generatedOn: '2026-04-20',
          courses: [{ courseId: 'datorprasmes', title: { lv: 'Datorprasmes darbam' }, hours: 40, completedOn: '2026-03-12', provider: PROVIDER, serial: 'TLT-2026-T6GH-JK3N', assessments: [] }],
          totalHours: 40,
          inProgress: [{ courseId: 'valoda', title: { lv: 'Latviešu valoda A2' }, hours: 120, percent: 45, state: 'studying', since: '2026-03-01' }],
          documents: [{ serial: 'TLT-2026-T6GH-JK3N', kind: 'module', title: { lv: 'Datorprasmes darbam' }, issuedOn: '2026-03-13', revoked: false }],
        } satisfies Transcript,
        VERIFY,
      ),
  },
  {
    kind: 'activation sheet (the serial is the one-time code)',
    langs: 'lav',
    name: 'Raivis Celmiņš',
    title: 'Jūsu piekļuve „Mani dokumenti” (Tilts)',
    serial: 'K7QM-3XPA-9TWD',
    render: () =>
      activationSheetPdf({
        holderName: 'Raivis Celmiņš',
        username: 'raivis.celmins',
        code: 'K7QM-3XPA-9TWD',
        expiresAt: '2026-07-19T09:00:00Z',
        activateAddress: 'https://tilts.example.lv/portal/activate',
        locale: 'lv',
        issuedAt: '2026-04-20T09:00:00Z',
      }),
  },
];

describe(`every document, rendered and read back by OCR${NEEDS_OCR}`, () => {
  test.skipIf(!ocrAvailable).each(documents)('the $kind shows the name, the title and the serial', async ({ langs, name, title, serial, render }) => {
    // Words in their language; the serial (ASCII) in English.
    const [words, ascii] = readFirstPage(await render(), [langs, 'eng']);
    expect(fuzzyDistance(words!, name), `OCR (${langs}) read:\n${words}`).toBeLessThanOrEqual(2);
    expect(fuzzyDistance(words!, title), `OCR (${langs}) read:\n${words}`).toBeLessThanOrEqual(2);
    expect(containsWithoutSpaces(ascii!, serial), `OCR (eng) read:\n${ascii}`).toBe(true);
  }, 120_000);
});

describe('the tolerant comparison', () => {
  test('forgives an OCR slip or two, not a different name', () => {
    expect(fuzzyDistance('Izsniegta / Issued to\nZanna Kēniņa\n', 'Žanna Ķēniņa')).toBe(2);
    expect(fuzzyDistance('Izsniegta / Issued to\nŽanna Ķēniņa\n', 'žanna ķēniņa')).toBe(0);
    expect(fuzzyDistance('S e e of e e e', 'Statement of achievement')).toBeGreaterThan(2);
    expect(containsWithoutSpaces('TLT-2026- K7QM-3XPA', 'TLT-2026-K7QM-3XPA')).toBe(true);
    expect(containsWithoutSpaces('TLT—2026—K7QM—3XPA', 'TLT-2026-K7QM-3XPA')).toBe(true);
    expect(containsWithoutSpaces('TLT-2026-K7QM-3XP', 'TLT-2026-K7QM-3XPA')).toBe(false);
    expect(normalise('  A\n b ')).toBe('a b');
  });
});
