import { describe, expect, test } from 'vitest';
import { catalogues, isMessageKey } from '../../../src/lib/i18n/index.ts';
import { describeRefusal, H5P_REFUSALS } from '../../../src/lib/server/h5p/refusal.ts';

describe('a teacher reads why a package was refused, in their language', () => {
  test.each(H5P_REFUSALS)('%s has a message in Latvian, English and Russian', (code) => {
    expect(isMessageKey(code)).toBe(true);
    for (const locale of ['lv', 'en', 'ru'] as const) expect(catalogues[locale][code].length).toBeGreaterThan(10);
  });

  test('the file or library concerned is part of the sentence', () => {
    const refusal = { code: 'h5p.libraryMissing', detail: 'H5P.MultiChoice 1.14 → H5P.Question 1.4' } as const;
    expect(describeRefusal('lv', refusal)).toBe('Pakotnei vajadzīga bibliotēka, kuras tajā nav: H5P.MultiChoice 1.14 → H5P.Question 1.4.');
    expect(describeRefusal('ru', refusal)).toContain('H5P.Question 1.4');
  });

  test('a detail the sentence has no place for is added in brackets, an empty one is left out', () => {
    expect(describeRefusal('en', { code: 'h5p.notZip', detail: 'end of central directory not found' })).toBe(
      'This file is not an H5P package: it cannot be opened as a ZIP archive. (end of central directory not found)',
    );
    expect(describeRefusal('en', { code: 'h5p.h5pJsonMissing', detail: '' })).toBe(
      'The package has no h5p.json file at its top level. Export it again from H5P.',
    );
  });
});
