import fs from 'node:fs';
import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, type PDFRawStream, type PDFRef } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { certificatePdf } from '../../../src/lib/server/certificates/pdf.ts';
import { pruneTrueType } from '../../../src/lib/server/certificates/font-subset.ts';
import type { CertificateContent } from '../../../src/lib/server/certificates/content.ts';

/**
 * The fonts inside our PDFs, read back with fontkit: every glyph a document
 * draws must have the same outline as in Noto Sans itself. The subsets
 * @pdf-lib/fontkit used to write failed this for about a third of the glyphs
 * (issue 12), which is why viewers drew most letters blank.
 */

const NOTO = {
  'NotoSans-Regular': 'node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  'NotoSans-Bold': 'node_modules/@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
} as const;

type Font = { getGlyph(id: number): { path: { toSVG(): string } }; numGlyphs: number };

/** Each embedded font: its name, program bytes, and the glyph ids its widths array lists (the glyphs drawn). */
async function embeddedFonts(bytes: Uint8Array) {
  const doc = await PDFDocument.load(bytes);
  const out: Array<{ name: string; program: Uint8Array; glyphIds: number[] }> = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Subtype')) !== PDFName.of('CIDFontType2')) continue;
    const descriptor = doc.context.lookup(object.get(PDFName.of('FontDescriptor')), PDFDict);
    const stream = doc.context.lookup(descriptor.get(PDFName.of('FontFile2')) as PDFRef) as PDFRawStream;
    const widths = doc.context.lookup(object.get(PDFName.of('W')), PDFArray);
    const glyphIds: number[] = [];
    for (let i = 0; i < widths.size(); i += 2) {
      const first = (widths.lookup(i, PDFNumber) as PDFNumber).asNumber();
      const run = widths.lookup(i + 1, PDFArray);
      for (let k = 0; k < run.size(); k++) glyphIds.push(first + k);
    }
    out.push({ name: String(object.get(PDFName.of('BaseFont'))).replace(/^\/(\w{6}\+)?/, ''), program: inflateSync(stream.contents), glyphIds });
  }
  return out;
}

const content: CertificateContent = {
  v: 1,
  serial: 'TLT-2026-K7QM-3XPA',
  kind: 'statement',
  holderName: 'Žanna Ķēniņa-Šļūkāja',
  title: { lv: 'Ēdināšanas pakalpojumi: ģimenes ēdieni, čaumalas, ūdens', en: 'Catering services' },
  hours: 96,
  level: 'LKI 2',
  issuer: 'Profesionālās izglītības centrs „Meistars”',
  issuedOn: '2026-03-02',
  completedOn: '2026-02-27',
  items: [
    { title: { ru: 'Дмитрий Кузнецов: основы кулинарии' }, hours: 40, completedOn: '2026-01-10' },
    { title: { lv: 'Higiēnas prasības' }, hours: 16, completedOn: null, progressPercent: 45 },
  ],
};

describe('the fonts embedded in a document', () => {
  test('hold the outline of every glyph drawn, the same as Noto Sans, and only those (the file stays small)', async () => {
    const bytes = await certificatePdf(content, `https://tilts.example.lv/verify/${content.serial}`);
    const fonts = await embeddedFonts(bytes);
    expect(fonts.map((f) => f.name).sort()).toEqual(['NotoSans-Bold', 'NotoSans-Regular']);
    for (const embedded of fonts) {
      const original = fontkit.create(fs.readFileSync(NOTO[embedded.name as keyof typeof NOTO])) as unknown as Font;
      const font = fontkit.create(Buffer.from(embedded.program)) as unknown as Font;
      expect(embedded.glyphIds.length).toBeGreaterThan(20);
      const wrong = embedded.glyphIds.filter((id) => font.getGlyph(id).path.toSVG() !== original.getGlyph(id).path.toSVG());
      expect(wrong, `${embedded.name}: glyphs without their outline`).toEqual([]);
    }
    expect(bytes.length).toBeLessThan(120_000);
  });

  test('pruning keeps glyph ids and the components of composite glyphs, and never writes into the font it was given', () => {
    const whole = fs.readFileSync(NOTO['NotoSans-Regular']);
    const before = Buffer.from(whole);
    const original = fontkit.create(whole) as unknown as Font & { glyphForCodePoint(c: number): { id: number } };
    // ņ is usually a composite (n + comma below) in Noto Sans; Ж a simple glyph.
    const ids = ['ņ', 'Ж', 'A'].map((c) => original.glyphForCodePoint(c.codePointAt(0)!).id);
    const pruned = fontkit.create(Buffer.from(pruneTrueType(whole, ids))) as unknown as Font;
    expect(pruned.numGlyphs).toBe(original.numGlyphs);
    for (const id of ids) expect(pruned.getGlyph(id).path.toSVG()).toBe(original.getGlyph(id).path.toSVG());
    const other = original.glyphForCodePoint('B'.codePointAt(0)!).id;
    expect(pruned.getGlyph(other).path.toSVG()).toBe('');
    expect(whole.equals(before)).toBe(true);
  });
});
