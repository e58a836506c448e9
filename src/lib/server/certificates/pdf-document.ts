import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { pruneTrueType } from './font-subset.ts';

/**
 * What every document of ours shares (certificates, statements, transcript):
 * A4, Noto Sans (Latin with Latvian letters, Cyrillic) embedded with only the
 * glyphs drawn, fixed metadata so the same content gives the same bytes, the
 * frame, word wrap, and the place for the provider's signature and stamp.
 */

// Resolved from the installation (as the H5P player is), so a built copy served from elsewhere finds it too.
const require = createRequire(path.join(process.cwd(), 'package.json'));
let fontBytes: { regular: Buffer; bold: Buffer } | null = null;
function fonts() {
  // Full TTFs (Latin, Latin Extended, Cyrillic, Greek) from the npm package; read once.
  fontBytes ??= {
    regular: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf')),
    bold: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf')),
  };
  return fontBytes;
}

export const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = 56;
export const INK = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.38, 0.38, 0.42);
export const ACCENT = rgb(0.12, 0.3, 0.5);

/** dd.mm.yyyy, as Latvian documents write dates. */
export function latvianDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}.${m}.${y}`;
}

/** pdf-lib's embedder of a font given whole (subset: false): what `embedSubsetOnSave` reaches into. */
interface WholeFontEmbedder {
  font: { layout(text: string, features?: unknown): { glyphs: Glyph[] } };
  fontFeatures: unknown;
  fontData: Uint8Array;
  encodeText(text: string): unknown;
  glyphCache: { access(): Glyph[]; invalidate(): void };
}
type Glyph = { id: number; advanceWidth: number; codePoints: number[] };

/**
 * Makes a font embedded whole carry only the glyphs the document drew: pdf-lib
 * encodes text as glyph ids of the whole font, and `pruneTrueType` keeps those
 * ids, so only the font program, the widths and the text map shrink. This
 * reaches into pdf-lib's embedder (fields of pdf-lib 1.17); the rendering test
 * (tests/unit/certificates/pdf-render.test.ts) reads every document back by OCR.
 */
function embedSubsetOnSave(font: PDFFont): () => void {
  const embedder = (font as unknown as { embedder: WholeFontEmbedder }).embedder;
  if (!embedder?.font || !(embedder.fontData instanceof Uint8Array) || !embedder.glyphCache) throw new Error('pdf-lib font embedder changed: see pdf-document.ts');
  const used = new Map<number, Glyph>();
  const encode = embedder.encodeText.bind(embedder);
  embedder.encodeText = (text: string) => {
    for (const glyph of embedder.font.layout(text, embedder.fontFeatures).glyphs) used.set(glyph.id, glyph);
    return encode(text);
  };
  const whole = embedder.fontData;
  return () => {
    const glyphs = [...used.values()].sort((a, b) => a.id - b.id);
    embedder.fontData = pruneTrueType(whole, used.keys());
    // The widths (W) and the text map (ToUnicode) pdf-lib writes are built from this list.
    embedder.glyphCache = { access: () => glyphs, invalidate: () => undefined };
  };
}

/**
 * A new document of ours with Noto Sans embedded (regular and bold) and fixed
 * metadata dated `isoDate`, so the same content gives the same bytes. Draw,
 * then `save()` (not `doc.save()`): it embeds only the glyphs drawn.
 */
export async function newPdf(meta: {
  title: string;
  isoDate: string;
  author?: string;
  subject?: string;
}): Promise<{ doc: PDFDocument; font: PDFFont; fontBold: PDFFont; save: () => Promise<Uint8Array> }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const { regular, bold } = fonts();
  // Embedded whole, then pruned on save: the subsets @pdf-lib/fontkit writes are broken (poppler and
  // Chromium's viewer draw most letters blank, issue 12); whole, a document would be ~0.6 MB.
  // customName: pdf-lib otherwise suffixes the name with a random number, the only non-content input.
  const font = await doc.embedFont(regular, { subset: false, customName: 'TILTSA+NotoSans-Regular', features: { liga: false } });
  const fontBold = await doc.embedFont(bold, { subset: false, customName: 'TILTSB+NotoSans-Bold', features: { liga: false } });
  const prune = [embedSubsetOnSave(font), embedSubsetOnSave(fontBold)];
  const date = new Date(`${meta.isoDate}T00:00:00Z`);
  doc.setTitle(meta.title);
  if (meta.author) doc.setAuthor(meta.author);
  if (meta.subject) doc.setSubject(meta.subject);
  doc.setProducer('Tilts');
  doc.setCreator('Tilts');
  doc.setLanguage('lv');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  const save = () => {
    for (const p of prune) p();
    return doc.save();
  };
  return { doc, font, fontBold, save };
}

/** The frame every page of our documents has: a double rule inside the margin. */
export function drawFrame(page: PDFPage) {
  page.drawRectangle({ x: 24, y: 24, width: A4.width - 48, height: A4.height - 48, borderColor: ACCENT, borderWidth: 1.5 });
  page.drawRectangle({ x: 29, y: 29, width: A4.width - 58, height: A4.height - 58, borderColor: ACCENT, borderWidth: 0.4 });
}

/** A place for the provider's signature (left) and stamp (right), its labels below; `y` is the signature line. */
export function drawSignatureAndStamp(page: PDFPage, font: PDFFont, y: number) {
  const lineEnd = MARGIN + 230;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: lineEnd, y }, thickness: 0.7, color: INK });
  page.drawText('Izglītības iestādes vadītājs / Head of the education provider', { x: MARGIN, y: y - 12, size: 8, font, color: MUTED });
  page.drawText('paraksts, vārds, uzvārds / signature, name', { x: MARGIN, y: y - 23, size: 8, font, color: MUTED });
  const cx = A4.width - MARGIN - 150;
  page.drawEllipse({ x: cx, y: y + 8, xScale: 34, yScale: 34, borderColor: MUTED, borderWidth: 0.6, borderDashArray: [2, 2] });
  const label = 'Z. v.';
  page.drawText(label, { x: cx - font.widthOfTextAtSize(label, 9) / 2, y: y + 5, size: 9, font, color: MUTED });
  const under = 'zīmoga vieta / stamp';
  page.drawText(under, { x: cx - font.widthOfTextAtSize(under, 8) / 2, y: y - 35, size: 8, font, color: MUTED });
}
/** Greedy word wrap; a single word wider than the line is broken by characters. */
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= maxWidth;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (!fits(line)) {
      let cut = line.length - 1;
      while (cut > 1 && !fits(line.slice(0, cut))) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}
