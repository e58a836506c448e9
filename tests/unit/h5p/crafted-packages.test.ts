import crypto from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { validateH5pPackage } from '../../../src/lib/server/h5p/validate.ts';
import type { H5pRefusalCode } from '../../../src/lib/server/h5p/refusal.ts';
import type { H5pLimits } from '../../../src/lib/server/h5p/zip.ts';
import { craftPackage, craftWithName, patchEntry, zipFiles, type CraftedFile } from '../../fixtures/h5p/crafted.ts';

async function refusal(bytes: Buffer, limits: Partial<H5pLimits> = {}): Promise<{ code: H5pRefusalCode; detail: string }> {
  const result = await validateH5pPackage(bytes, limits);
  if (result.ok) return expect.fail('the package was accepted');
  return { code: result.code, detail: result.detail };
}

const PLAIN_SVG = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#0a0"/></svg>';

describe('the crafted baseline package', () => {
  test('is accepted, so each refusal below comes from the one bad thing added to it', async () => {
    const result = await validateH5pPackage(await craftPackage([{ name: 'content/images/picture.svg', data: PLAIN_SVG }]));
    expect(result.ok).toBe(true);
  });

  test('hidden files (.DS_Store, __MACOSX/) are ignored, as H5P ignores them, and never stored', async () => {
    const result = await validateH5pPackage(
      await craftPackage([
        { name: 'content/.DS_Store', data: 'x' },
        { name: '__MACOSX/content/._content.json', data: 'x' },
      ]),
    );
    if (!result.ok) return expect.fail(result.code);
    expect([...result.package.contentFiles.keys()]).toEqual(['content.json']);
  });
});

describe('a teacher cannot upload something that is not a package', () => {
  test.each([
    ['a text file', Buffer.from('hello, this is not a zip')],
    ['an empty file', Buffer.alloc(0)],
    ['random bytes', crypto.randomBytes(4096)],
  ])('%s is refused as not a ZIP archive', async (_what, bytes) => {
    expect((await refusal(bytes)).code).toBe('h5p.notZip');
  });

  test('a ZIP without h5p.json is refused, and a packed folder is pointed out', async () => {
    expect((await refusal(await zipFiles([{ name: 'notes.txt', data: 'x' }]))).code).toBe('h5p.h5pJsonMissing');
    const nested = await zipFiles([{ name: 'Activity/h5p.json', data: '{}' }]);
    expect(await refusal(nested)).toEqual({ code: 'h5p.h5pJsonMissing', detail: 'Activity/h5p.json' });
  });

  test('a package without content/content.json is refused', async () => {
    const files = (await import('../../fixtures/h5p/crafted.ts')).minimalPackageFiles().filter((f) => f.name !== 'content/content.json');
    expect((await refusal(await zipFiles(files))).code).toBe('h5p.contentJsonMissing');
  });
});

describe('zip slip: no entry may point outside the package', () => {
  test.each([
    ['../evil.js', 'h5p.pathTraversal'],
    ['content/../../evil.js', 'h5p.pathTraversal'],
    ['/abs.txt', 'h5p.pathTraversal'],
    ['C:/windows/evil.txt', 'h5p.pathTraversal'],
    ['content\\..\\x.txt', 'h5p.pathTraversal'],
    ['content/./x.txt', 'h5p.unsafeName'],
    ['content//x.txt', 'h5p.unsafeName'],
    ['content/x\u0001.txt', 'h5p.unsafeName'],
    ['content/x.txt:stream', 'h5p.unsafeName'],
  ] as const)('the entry %j is refused (%s)', async (name, code) => {
    const r = await refusal(await craftWithName(name));
    expect(r.code).toBe(code);
    expect(r.detail).toContain(name.replace('\u0001', '\\u0001'));
  });

  test('a symbolic link is refused, even with an allowed name', async () => {
    const link: CraftedFile = { name: 'content/picture.png', data: '../../../../etc/passwd', mode: 0o120777 };
    expect(await refusal(await craftPackage([link]))).toEqual({ code: 'h5p.symlink', detail: 'content/picture.png' });
  });

  test('a device or pipe entry is refused', async () => {
    expect((await refusal(await craftPackage([{ name: 'content/fifo.txt', data: '', mode: 0o010644 }]))).code).toBe('h5p.specialFile');
  });

  test.each([
    [['content/a.png', 'content/a.png'], 'content/a.png'],
    [['content/Photo.png', 'content/photo.PNG'], 'content/Photo.png, content/photo.PNG'],
    [['content/x.png', 'content/x.png/y.png'], 'content/x.png, content/x.png/y.png'],
  ])('duplicate names %j are refused', async (names, detail) => {
    const r = await refusal(await craftPackage(names.map((name) => ({ name, data: 'x' }))));
    expect(r).toEqual({ code: 'h5p.duplicateName', detail });
  });

  test('an encrypted entry is refused', async () => {
    const bytes = patchEntry(await craftPackage([{ name: 'content/secret.txt', data: 'x' }]), 'content/secret.txt', { setFlags: 0x1 });
    expect(await refusal(bytes)).toEqual({ code: 'h5p.encrypted', detail: 'content/secret.txt' });
  });

  test('an unknown compression method is refused', async () => {
    const bytes = patchEntry(await craftPackage(), 'content/content.json', { compressionMethod: 12 });
    expect((await refusal(bytes)).code).toBe('h5p.unsupportedCompression');
  });

  test('a damaged entry (wrong checksum) is refused', async () => {
    const bytes = patchEntry(await craftPackage(), 'content/content.json', { crc32: 0x12345678 });
    expect(await refusal(bytes)).toEqual({ code: 'h5p.corruptArchive', detail: 'content/content.json: CRC-32' });
  });
});

describe('zip bombs and limits', () => {
  test('one 50 MB file of zeros (a few KB packed) is refused before it is inflated', async () => {
    const bytes = await craftPackage([{ name: 'content/zeros.txt', data: Buffer.alloc(50 * 1024 * 1024) }]);
    expect(bytes.length).toBeLessThan(200 * 1024);
    const r = await refusal(bytes);
    expect(r.code).toBe('h5p.zipBomb');
    expect(r.detail).toContain('content/zeros.txt');
  });

  test('a header that understates the size is caught while inflating: inflation stops at the stated size', async () => {
    const honest = await craftPackage([{ name: 'content/zeros.txt', data: Buffer.alloc(2 * 1024 * 1024) }]);
    const lying = patchEntry(honest, 'content/zeros.txt', { uncompressedSize: 1000 });
    expect(await refusal(lying)).toEqual({ code: 'h5p.zipBomb', detail: 'content/zeros.txt: > 1000 B' });
  });

  test('many small entries pointing past the whole-archive ratio are refused', async () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `content/z${i}.txt`, data: Buffer.alloc(512 * 1024) }));
    expect((await refusal(await craftPackage(files))).code).toBe('h5p.zipBomb');
  });

  test('a package of 10,000 files is refused by its count, before any entry is read', async () => {
    const files = Array.from({ length: 10_000 }, (_, i) => ({ name: `content/f${i}.txt`, data: '', compress: false }));
    expect(await refusal(await craftPackage(files))).toEqual({ code: 'h5p.tooManyFiles', detail: '10005 > 5000' });
  });

  test('a package larger than the total limit is refused', async () => {
    const limits = { maxTotalBytes: 1024 * 1024 };
    const bytes = await craftPackage([
      { name: 'content/noise.txt', data: crypto.randomBytes(600 * 1024) },
      { name: 'content/noise2.txt', data: crypto.randomBytes(600 * 1024) },
    ]);
    expect((await refusal(bytes, limits)).code).toBe('h5p.tooLarge');
  });
});

describe('only the file types H5P allows', () => {
  test.each([
    'content/run.exe',
    'content/x.php',
    'content/page.html',
    'content/script.js',
    'content/style.css',
    'content/README',
    'content/movie.swf',
    'evil.exe',
  ])('%s is refused', async (name) => {
    expect(await refusal(await craftPackage([{ name, data: 'x' }]))).toEqual({ code: 'h5p.extensionNotAllowed', detail: name });
  });

  test('scripts and style sheets are allowed inside library folders only', async () => {
    const extra = [
      { name: 'H5P.Crafted-1.0/js/more.js', data: '1;' },
      { name: 'H5P.Crafted-1.0/more.css', data: 'a{}' },
    ];
    expect((await validateH5pPackage(await craftPackage(extra))).ok).toBe(true);
  });

  test('an SVG with a script is refused, naming the file and what is in it', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(await refusal(await craftPackage([{ name: 'content/images/evil.svg', data: svg }]))).toEqual({
      code: 'h5p.svgRefused',
      detail: 'content/images/evil.svg: the element <script>',
    });
  });

  test('an SVG in a library folder is checked too', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(1)"/>';
    expect((await refusal(await craftPackage([{ name: 'H5P.Crafted-1.0/icon.svg', data: svg }]))).code).toBe('h5p.svgRefused');
  });
});

describe('the H5P structure', () => {
  test('a library the content needs but the package lacks is named', async () => {
    const libraryJson = JSON.parse((await import('../../fixtures/h5p/crafted.ts')).minimalPackageFiles()[2]!.data as string);
    libraryJson.preloadedDependencies = [{ machineName: 'H5P.Missing', majorVersion: 2, minorVersion: 1 }];
    const r = await refusal(await craftPackage([{ name: 'H5P.Crafted-1.0/library.json', data: JSON.stringify(libraryJson) }]));
    expect(r).toEqual({ code: 'h5p.libraryMissing', detail: 'H5P.Crafted 1.0 → H5P.Missing 2.1' });
  });

  test('the main library must be in the package', async () => {
    const h5p = {
      title: 'x',
      language: 'und',
      mainLibrary: 'H5P.Other',
      embedTypes: ['div'],
      preloadedDependencies: [{ machineName: 'H5P.Other', majorVersion: 1, minorVersion: 0 }],
    };
    expect(await refusal(await craftPackage([{ name: 'h5p.json', data: JSON.stringify(h5p) }]))).toEqual({
      code: 'h5p.mainLibraryMissing',
      detail: 'H5P.Other 1.0',
    });
  });

  test('a library folder without library.json is refused', async () => {
    expect(await refusal(await craftPackage([{ name: 'H5P.Extra-1.0/extra.js', data: '1;' }]))).toEqual({
      code: 'h5p.libraryJsonMissing',
      detail: 'H5P.Extra-1.0',
    });
  });

  test('content.json must be a JSON object', async () => {
    expect(await refusal(await craftPackage([{ name: 'content/content.json', data: '[1, 2]' }]))).toEqual({
      code: 'h5p.contentJsonInvalid',
      detail: 'not a JSON object',
    });
  });
});
