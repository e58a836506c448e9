import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { validateH5pPackage } from '../../../src/lib/server/h5p/validate.ts';
import { importH5pPackage } from '../../../src/lib/server/h5p/store.ts';
import { describeRefusal } from '../../../src/lib/server/h5p/refusal.ts';
import { fileContentProblem, textEncodingProblem } from '../../../src/lib/server/h5p/file-types.ts';
import { svgProblem } from '../../../src/lib/server/h5p/svg.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { craftPackage, TINY_PNG } from '../../fixtures/h5p/crafted.ts';
import {
  HIDDEN_SCRIPT,
  iso2022jpSvg,
  packageWith,
  utf16Svg,
  utf16SvgWithoutMark,
  utf32Svg,
  windows1257Text,
} from '../../fixtures/h5p/encoding-tricks.ts';

/*
 * Issue 13, item 1: a teacher's package carried an SVG declared as
 * ISO-2022-JP. Our SVG check read it as UTF-8 and saw the <script> inside a
 * comment; the browser honoured the declaration, saw no comment, and ran the
 * script as the staff member who opened the picture. Text files are now
 * accepted only as plain UTF-8 that every reader decodes alike.
 */

async function refusalOf(bytes: Buffer) {
  const result = await validateH5pPackage(bytes);
  if (result.ok) return expect.fail('the package was accepted');
  return { code: result.code, detail: result.detail };
}

describe('the ISO-2022-JP picture of the security test', () => {
  test('is a real attack: a UTF-8 reader sees the script inside a comment, a browser decoding ISO-2022-JP sees it live', () => {
    const bytes = iso2022jpSvg();
    const asUtf8 = bytes.toString('utf8');
    expect(asUtf8).toContain(`<!--\x1b(B${HIDDEN_SCRIPT}-->`);
    // What a browser reads: the escapes turn `<!--` into two JIS characters, and the script is an element.
    const asBrowser = new TextDecoder('iso-2022-jp').decode(bytes);
    expect(asBrowser).not.toContain('<!--');
    expect(asBrowser).toContain(HIDDEN_SCRIPT);
    expect(asBrowser.slice(0, asBrowser.indexOf(HIDDEN_SCRIPT))).not.toContain('<!--');
    expect(svgProblem(Buffer.from(asBrowser.replace('ISO-2022-JP', 'UTF-8')))).toBe('the element <script>');
  });

  test('is refused by the check, naming the file and the encoding, in Latvian, English and Russian', async () => {
    const refusal = await refusalOf(await packageWith('content/images/map.svg', iso2022jpSvg()));
    expect(refusal).toEqual({ code: 'h5p.textEncoding', detail: 'content/images/map.svg: the encoding "ISO-2022-JP"' });
    expect(describeRefusal('lv', refusal)).toBe(
      'Pakotnes teksta fails nav saglabāts kā vienkāršs UTF-8 teksts (content/images/map.svg: the encoding "ISO-2022-JP"). Saglabājiet to vēlreiz UTF-8 kodējumā un augšupielādējiet pakotni vēlreiz.',
    );
    expect(describeRefusal('en', refusal)).toContain('is not saved as plain UTF-8 (content/images/map.svg: the encoding "ISO-2022-JP")');
    expect(describeRefusal('ru', refusal)).toContain('не в обычной кодировке UTF-8 (content/images/map.svg');
  });

  test.each(['iso-2022-jp', 'Shift_JIS', 'UTF-16', 'windows-1257', 'utf-7'])('is refused under any other declared encoding: %s', async (label) => {
    expect(textEncodingProblem(iso2022jpSvg(label), true)).toBe(`the encoding "${label}"`);
  });

  test('is refused inside a library folder too, and as .xml', async () => {
    expect(await refusalOf(await packageWith('H5P.Crafted-1.0/icon.svg', iso2022jpSvg()))).toMatchObject({ code: 'h5p.textEncoding' });
    expect(await refusalOf(await packageWith('content/data.xml', iso2022jpSvg()))).toMatchObject({ code: 'h5p.textEncoding' });
  });
});

describe('an upload with the picture stores nothing', () => {
  let prison: Prison & { cleanup: () => void };
  let dataDir: string;
  beforeAll(async () => {
    prison = await createPrison();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-encoding-'));
  });
  afterAll(() => {
    prison.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the teacher is told why; no content, no library, no file', async () => {
    const result = await importH5pPackage(prison.db, dataDir, prison.teacher.user, await packageWith('content/images/map.svg', iso2022jpSvg()));
    expect(result).toMatchObject({ ok: false, code: 'h5p.textEncoding' });
    expect(stmt(prison.db, 'SELECT count(*) FROM h5p_content').pluck().get()).toBe(0);
    expect(stmt(prison.db, 'SELECT count(*) FROM h5p_library').pluck().get()).toBe(0);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

describe('npm run h5p:check refuses the package', () => {
  test('with the reason and exit code 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-encoding-cli-'));
    try {
      const file = path.join(dir, 'map.h5p');
      fs.writeFileSync(file, await packageWith('content/images/map.svg', iso2022jpSvg()));
      const root = path.resolve(import.meta.dirname, '../../..');
      const child = spawn(path.join(root, 'node_modules/.bin/node'), ['scripts/h5p-check.ts', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      });
      expect(stdout).toBe(
        `${file}: refused: A text file of the package is not saved as plain UTF-8 (content/images/map.svg: the encoding "ISO-2022-JP"). Save it again as UTF-8 and upload the package again. [h5p.textEncoding]\n`,
      );
      expect(code).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('other ways to make a browser read text differently are refused', () => {
  test.each([
    ['a UTF-16 picture with its byte order mark', 'content/a.svg', utf16Svg(), 'a UTF-16 byte order mark'],
    ['a UTF-16 picture without a mark (browsers sniff it)', 'content/a.svg', utf16SvgWithoutMark(), 'the control character U+0000'],
    ['a UTF-32 picture', 'content/a.svg', utf32Svg(), 'a UTF-32 byte order mark'],
    ['a UTF-16 script', 'H5P.Crafted-1.0/crafted.js', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('H5P.x=1;', 'utf16le').swap16()]), 'a UTF-16 byte order mark'],
    ['JSON saved in Windows-1257', 'content/words.json', windows1257Text(), 'bytes that are not UTF-8 text'],
    ['captions in Latin-1', 'content/captions.vtt', Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nS\xe9same\n', 'latin1'), 'bytes that are not UTF-8 text'],
    ['a style sheet declaring another charset', 'H5P.Crafted-1.0/crafted.css', '@charset "ISO-2022-JP";\n.a{}', 'the encoding "ISO-2022-JP"'],
    ['a style sheet with ISO-2022 escapes', 'H5P.Crafted-1.0/crafted.css', '.a{}\x1b$B.b{}', 'the control character U+001B'],
    ['an SVG declaration after a comment', 'content/a.svg', '<!-- x --><?xml version="1.0" encoding="ISO-2022-JP"?><svg xmlns="http://www.w3.org/2000/svg"/>', 'an XML declaration that is not at the start'],
    ['an SVG declaration after a space', 'content/a.svg', ' <?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', 'an XML declaration that is not at the start'],
    ['a declaration with a quirk', 'content/a.svg', '<?xml version="1.0" encoding = "UTF-8" foo="bar"?><svg xmlns="http://www.w3.org/2000/svg"/>', 'an XML declaration that cannot be read'],
    ['ASCII declared, other bytes used', 'content/a.svg', '<?xml version="1.0" encoding="us-ascii"?><svg xmlns="http://www.w3.org/2000/svg"><title>Māja</title></svg>', 'the encoding "us-ascii"'],
  ])('%s', async (_what, name, data, reason) => {
    expect(await refusalOf(await craftPackage([{ name, data }]))).toEqual({ code: 'h5p.textEncoding', detail: `${name}: ${reason}` });
  });

  test('plain UTF-8 passes, with or without its byte order mark, declared as UTF-8 in any spelling, or ASCII that is ASCII', () => {
    const body = '<svg xmlns="http://www.w3.org/2000/svg"><title>Māja — дом</title></svg>';
    for (const text of [
      body,
      `\uFEFF${body}`,
      `<?xml version="1.0" encoding="utf-8"?>\r\n${body}`,
      `<?xml version='1.0' encoding='UTF8' standalone='no'?>${body}`,
      '<?xml version="1.0" encoding="US-ASCII"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    ]) {
      expect(svgProblem(Buffer.from(text)), text).toBeNull();
    }
  });

  test('the other parts of an SVG that could act are still refused by the picture check', () => {
    const svg = (inner: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">${inner}</svg>`);
    expect(svgProblem(Buffer.from('<?xml-stylesheet href="x.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('a processing instruction (such as xml-stylesheet)');
    expect(svgProblem(Buffer.from('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'))).toBe(
      'a DOCTYPE that defines entities',
    );
    expect(svgProblem(svg('<image xlink:href="javascript:alert(1)"/>'))).toBe('a script link in xlink:href= on <image>');
    expect(svgProblem(svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'))).toMatch(/^a link to "data:image\/svg\+xml/);
    expect(svgProblem(svg('<use href="data:text/html,x"/>'))).toMatch(/^a link to "data:text\/html/);
  });
});

describe('pictures, fonts and media must be what their name says', () => {
  test.each([
    ['an SVG with a script named .png', 'content/images/photo.png', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['an HTML page named .jpg', 'content/images/photo.jpg', '<!doctype html><script>alert(1)</script>'],
    ['text named .woff', 'H5P.Crafted-1.0/fonts/icons.woff', 'not a font'],
    ['a page named .mp3', 'content/audio/a.mp3', '<html><script>alert(1)</script></html>'],
    ['a page named .pdf', 'content/a.pdf', '<html></html>'],
  ])('%s is refused', async (_what, name, data) => {
    expect(await refusalOf(await craftPackage([{ name, data }]))).toEqual({ code: 'h5p.fileTypeMismatch', detail: `${name}: not a .${name.split('.').pop()} file` });
  });

  test('a PNG saved as .jpg is still a picture, and passes', () => {
    expect(fileContentProblem('content/a.jpg', TINY_PNG)).toBeNull();
  });

  test('office documents are not looked into: they are only ever downloads', () => {
    expect(fileContentProblem('content/notes.docx', Buffer.from('<html><script>alert(1)</script></html>'))).toBeNull();
  });
});
