import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { titleIn, type CertificateContent, type CertificateKind } from './content.ts';

/**
 * The certificate as a PDF: A4 portrait, Noto Sans embedded (subset) so Latvian
 * and Cyrillic names render everywhere, a vector QR code of the verification
 * address. It draws only what `CertificateContent` holds (plus that address),
 * and the same content gives the same bytes: fixed producer, dates taken from
 * the content, fixed font subset names.
 */

/** The document kind's name, in Latvian and in English. */
export const KIND_TITLES: Record<CertificateKind, { lv: string; en: string }> = {
  module: { lv: 'Moduļa apliecība', en: 'Module certificate' },
  professional_development: {
    lv: 'Apliecība par profesionālās pilnveides izglītību',
    en: 'Certificate of professional development education',
  },
  statement: { lv: 'Sekmju izziņa', en: 'Statement of achievement' },
};

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

/**
 * A new document of ours with Noto Sans embedded (regular and bold) and fixed
 * metadata dated `isoDate`, so the same content gives the same bytes.
 */
export async function newPdf(meta: { title: string; isoDate: string; author?: string; subject?: string }): Promise<{ doc: PDFDocument; font: PDFFont; fontBold: PDFFont }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const { regular, bold } = fonts();
  // customName: pdf-lib otherwise suffixes subset names with a number, which is the only non-content input.
  const font = await doc.embedFont(regular, { subset: true, customName: 'TILTSA+NotoSans-Regular', features: { liga: false } });
  const fontBold = await doc.embedFont(bold, { subset: true, customName: 'TILTSB+NotoSans-Bold', features: { liga: false } });
  const date = new Date(`${meta.isoDate}T00:00:00Z`);
  doc.setTitle(meta.title);
  if (meta.author) doc.setAuthor(meta.author);
  if (meta.subject) doc.setSubject(meta.subject);
  doc.setProducer('Tilts');
  doc.setCreator('Tilts');
  doc.setLanguage('lv');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  return { doc, font, fontBold };
}

/** Renders the certificate; `verificationUrl` is `<origin>/verify/<serial>`. */
export async function certificatePdf(content: CertificateContent, verificationUrl: string): Promise<Uint8Array> {
  const kindTitle = KIND_TITLES[content.kind];
  const { doc, font, fontBold } = await newPdf({ title: `${kindTitle.lv} ${content.serial}`, isoDate: content.issuedOn, author: content.issuer, subject: kindTitle.en });

  let page = doc.addPage([A4.width, A4.height]);
  const firstPage = page;
  // A programme's document lists its courses: the gaps shrink to make room.
  const items = content.items ?? [];
  const gap = (n: number) => (items.length ? Math.round(n * 0.5) : n);
  const width = A4.width - 2 * MARGIN;
  let y = A4.height - MARGIN;

  const centered = (text: string, size: number, f: PDFFont, color = INK, gap = 1.35) => {
    for (const line of wrap(text, f, size, width)) {
      y -= size * gap;
      page.drawText(line, { x: (A4.width - f.widthOfTextAtSize(line, size)) / 2, y, size, font: f, color });
    }
  };

  page.drawRectangle({ x: 24, y: 24, width: A4.width - 48, height: A4.height - 48, borderColor: ACCENT, borderWidth: 1.5 });
  centered(content.issuer, 14, fontBold, ACCENT);
  y -= gap(56);
  centered(kindTitle.lv.toUpperCase(), 22, fontBold);
  centered(kindTitle.en, 13, font, MUTED);
  y -= gap(40);
  centered('Izsniegta / Issued to', 10, font, MUTED);
  centered(content.holderName, 24, fontBold, INK, 1.5);
  y -= gap(28);
  centered(content.kind === 'statement' ? 'par programmas daļas apguvi / for the part completed of' : 'par apguvi / for completing', 10, font, MUTED);
  const title = titleIn(content.title, 'lv');
  centered(title, 16, fontBold);
  if (content.title.en && content.title.en !== title) centered(content.title.en, 12, font, MUTED);
  y -= gap(36);

  const rows: Array<[string, string]> = [
    ['Apjoms / Hours', `${content.hours} stundas / hours`],
    ...(content.level ? [['Līmenis / Level', content.level] as [string, string]] : []),
    [content.kind === 'statement' ? 'Mācības līdz / Studied until' : 'Pabeigts / Completed on', latvianDate(content.completedOn)],
    ['Izsniegts / Issued on', latvianDate(content.issuedOn)],
    ['Izdevējs / Issuer', content.issuer],
  ];
  for (const [label, value] of rows) {
    const lines = wrap(value, font, 12, width - 190);
    y -= 20;
    page.drawText(label, { x: MARGIN + 20, y, size: 10, font, color: MUTED });
    lines.forEach((line, i) => page.drawText(line, { x: MARGIN + 190, y: y - i * 16, size: 12, font, color: INK }));
    y -= (lines.length - 1) * 16;
  }

  // Footer: serial and verification address on the left, QR code on the right (first page).
  const qrSize = 110;
  const footerY = MARGIN + 10;

  if (items.length) {
    // Courses: title, hours, completed on (or how far it got). Continues on a next page when long.
    const bottom = () => (page === firstPage ? footerY + qrSize + 16 : MARGIN);
    const col = { title: MARGIN + 20, hours: MARGIN + width - 190, done: MARGIN + width - 120 };
    const heading = () => {
      y -= 22;
      page.drawText(content.kind === 'statement' ? 'Apgūtais / What was done' : 'Moduļi / Modules', { x: col.title, y, size: 10, font: fontBold, color: MUTED });
      page.drawText('Stundas / Hours', { x: col.hours, y, size: 8, font, color: MUTED });
      page.drawText('Pabeigts / Completed', { x: col.done, y, size: 8, font, color: MUTED });
      y -= 4;
      page.drawLine({ start: { x: col.title, y }, end: { x: MARGIN + width - 10, y }, thickness: 0.5, color: MUTED });
    };
    heading();
    for (const item of items) {
      const lines = wrap(titleIn(item.title, 'lv'), font, 10, col.hours - col.title - 12);
      const done = item.completedOn ? latvianDate(item.completedOn) : `nepabeigts / not completed${item.progressPercent === undefined ? '' : ` (${item.progressPercent} %)`}`;
      const doneLines = wrap(done, font, 9, MARGIN + width - 10 - col.done);
      const height = Math.max(lines.length * 13, doneLines.length * 12) + 4;
      if (y - height < bottom()) {
        page = doc.addPage([A4.width, A4.height]);
        page.drawRectangle({ x: 24, y: 24, width: A4.width - 48, height: A4.height - 48, borderColor: ACCENT, borderWidth: 1.5 });
        y = A4.height - MARGIN;
        page.drawText(`${content.serial} · ${content.holderName}`, { x: MARGIN, y: y - 10, size: 9, font, color: MUTED });
        y -= 20;
        heading();
      }
      y -= 14;
      lines.forEach((line, i) => page.drawText(line, { x: col.title, y: y - i * 13, size: 10, font, color: INK }));
      page.drawText(String(item.hours), { x: col.hours, y, size: 10, font, color: INK });
      doneLines.forEach((line, i) => page.drawText(line, { x: col.done, y: y - i * 12, size: 9, font, color: item.completedOn ? INK : MUTED }));
      y -= height - 14;
    }
  }

  drawQr(firstPage, verificationUrl, A4.width - MARGIN - qrSize, footerY, qrSize);
  const textWidth = width - qrSize - 20;
  firstPage.drawText('Sērijas numurs / Serial number', { x: MARGIN, y: footerY + 92, size: 9, font, color: MUTED });
  firstPage.drawText(content.serial, { x: MARGIN, y: footerY + 74, size: 14, font: fontBold, color: INK });
  firstPage.drawText('Pārbaudīt / Verify at', { x: MARGIN, y: footerY + 50, size: 9, font, color: MUTED });
  wrap(verificationUrl, font, 10, textWidth).forEach((line, i) =>
    firstPage.drawText(line, { x: MARGIN, y: footerY + 36 - i * 13, size: 10, font, color: ACCENT }),
  );

  return doc.save();
}

/** The QR code as filled squares (runs of dark modules per row), with a quiet zone of white. */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const cell = size / (modules.size + 2 * quiet);
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      page.drawRectangle({
        x: x + (quiet + start) * cell,
        y: y + size - (quiet + row + 1) * cell,
        width: (col - start) * cell,
        // a hair taller, so neighbouring rows do not show seams in viewers
        height: cell + 0.05,
        color: rgb(0, 0, 0),
      });
    }
  }
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
