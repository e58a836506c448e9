import { describe, expect, test } from 'vitest';
import { mainLibraryLabel, validateH5pPackage } from '../../../src/lib/server/h5p/validate.ts';
import type { H5pRefusalCode } from '../../../src/lib/server/h5p/refusal.ts';
import { NEEDS_SAMPLES, readSample, sampleFiles, samplesPresent } from '../../helpers/h5p-samples.ts';

/** Why each shared invalid sample must be refused. */
const EXPECTED_REFUSALS: Record<string, H5pRefusalCode> = {
  '2-invalid-libraries.h5p': 'h5p.libraryJsonInvalid',
  'broken-content-json.h5p': 'h5p.contentJsonInvalid',
  'broken-h5p-json.h5p': 'h5p.h5pJsonNotJson',
  'corrupt_archive.h5p': 'h5p.notZip',
  'invalid-h5p-json-schema.h5p': 'h5p.h5pJsonInvalid',
  'invalid-library-directory-name.h5p': 'h5p.libraryFolderMismatch',
  'malformed-library-directory.h5p': 'h5p.libraryFolderName',
  'missing-preloaded-js.h5p': 'h5p.preloadedFileMissing',
};

/** The main library each valid sample is played with. */
const EXPECTED_MAIN: Record<string, string> = {
  'H5P.Accordion.h5p': 'H5P.Accordion 1.0.25',
  'H5P.Blanks.h5p': 'H5P.Blanks 1.12.8',
  'H5P.Dialogcards.h5p': 'H5P.Dialogcards 1.8.5',
  'H5P.DragText.h5p': 'H5P.DragText 1.8.13',
  'H5P.Essay.h5p': 'H5P.Essay 1.2.3',
  'H5P.MultiChoice.h5p': 'H5P.MultiChoice 1.14.6',
  'H5P.QuestionSet.h5p': 'H5P.QuestionSet 1.17.3',
  'H5P.Summary.h5p': 'H5P.Summary 1.10.9',
  'H5P.TrueFalse.h5p': 'H5P.TrueFalse 1.6.6',
  'greeting-card-minimal.h5p': 'H5P.GreetingCard 1.0.6',
};

describe.skipIf(!samplesPresent)(`a teacher uploads the shared sample packages${NEEDS_SAMPLES}`, () => {
  test('every sample folder entry has an expectation here, so a new sample cannot pass unchecked', () => {
    expect(sampleFiles('valid')).toEqual(Object.keys(EXPECTED_MAIN).sort());
    expect(sampleFiles('invalid')).toEqual(Object.keys(EXPECTED_REFUSALS).sort());
  });

  test.each(sampleFiles('valid'))('the valid sample %s is accepted with its main library', async (file) => {
    const result = await validateH5pPackage(readSample('valid', file));
    if (!result.ok) expect.fail(`${file} refused: ${result.code} ${result.detail}`);
    expect(mainLibraryLabel(result.package)).toBe(EXPECTED_MAIN[file]);
    expect(result.package.mainLibrary.neededToPlay).toBe(true);
    expect(result.package.contentFiles.has('content.json')).toBe(true);
  });

  test.each(sampleFiles('invalid'))('the invalid sample %s is refused with its specific reason', async (file) => {
    const result = await validateH5pPackage(readSample('invalid', file));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(EXPECTED_REFUSALS[file]);
    expect(result.detail.length).toBeGreaterThan(0);
  });

  test('the refusals name the file or library concerned', async () => {
    const detail = async (file: string) => {
      const r = await validateH5pPackage(readSample('invalid', file));
      return r.ok ? '' : r.detail;
    };
    expect(await detail('2-invalid-libraries.h5p')).toContain('H5P.GreetingCard2-1.0/library.json: title');
    expect(await detail('invalid-library-directory-name.h5p')).toContain('H5P.AnotherLibrary');
    expect(await detail('malformed-library-directory.h5p')).toBe('library!');
    expect(await detail('missing-preloaded-js.h5p')).toBe('H5P.GreetingCard-1.0/greetingcard.js');
    expect(await detail('invalid-h5p-json-schema.h5p')).toBe('mainLibrary: missing');
  });

  test('editor-only libraries are kept but not marked as needed to play', async () => {
    const result = await validateH5pPackage(readSample('valid', 'H5P.QuestionSet.h5p'));
    if (!result.ok) return expect.fail(result.code);
    const byFolder = new Map(result.package.libraries.map((l) => [l.folder, l.neededToPlay]));
    expect(byFolder.get('H5P.MultiChoice-1.14')).toBe(true);
    expect(byFolder.get('H5PEditor.VerticalTabs-1.3')).toBe(false);
  });
});
