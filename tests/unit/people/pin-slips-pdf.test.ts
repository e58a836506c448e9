import { describe, expect, test } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { pinSlipsPdf } from '../../../src/lib/server/people/pin-slips-pdf.ts';
import type { PinSlip } from '../../../src/lib/server/people/pin-slips.ts';
import { t } from '../../../src/lib/i18n/index.ts';
import { containsWithoutSpaces, fuzzyDistance, NEEDS_OCR, normalise, ocrAvailable, readFirstPage } from '../../helpers/ocr.ts';

const slip = (i: number, locale: PinSlip['locale'], name: string): PinSlip => ({
  learnerId: i,
  name,
  inmateNumber: `30200${i}`,
  pin: `48213${i}`,
  facilityName: 'Olaines cietums',
  locale,
});
const SLIPS = [slip(1, 'lv', 'Andris Liepa'), slip(2, 'ru', 'Игорь Соколов'), slip(3, 'en', 'John Smith')];

describe('the sheet of PIN slips', () => {
  test('eight slips to an A4 page: nine learners take two pages', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => slip(i, 'lv', 'Andris Liepa'));
    const doc = await PDFDocument.load(await pinSlipsPdf(nine, '2026-12-04'));
    expect(doc.getPageCount()).toBe(2);
    expect(doc.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
  });

  test.skipIf(!ocrAvailable)(`each slip reads, in its learner's language: name, number, PIN and how to sign in${NEEDS_OCR}`, async () => {
    const pdf = await pinSlipsPdf(SLIPS, '2026-12-04');
    const [lav, rus] = readFirstPage(pdf, ['lav', 'rus'], 200).map(normalise);
    for (const s of SLIPS) {
      expect(containsWithoutSpaces(lav!, s.inmateNumber)).toBe(true);
      expect(containsWithoutSpaces(lav!, s.pin)).toBe(true);
    }
    // OCR misreads a letter now and then: a name or a sentence is found within a small distance.
    const reads = (text: string, needle: string) => expect(fuzzyDistance(text, normalise(needle)), needle).toBeLessThanOrEqual(2);
    reads(lav!, 'Andris Liepa');
    reads(lav!, t('lv', 'pins.slipTitle'));
    reads(lav!, t('lv', 'pins.slipSecret'));
    reads(lav!, 'John Smith');
    reads(lav!, t('en', 'pins.slipTitle'));
    reads(rus!, 'Игорь Соколов');
    reads(rus!, t('ru', 'pins.slipTitle'));
  });
});
