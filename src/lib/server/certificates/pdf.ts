import { rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { titleIn, type CertificateContent, type CertificateKind } from './content.ts';
import { A4, ACCENT, INK, MARGIN, MUTED, drawFrame, drawSignatureAndStamp, latvianDate, newPdf, wrap } from './pdf-document.ts';

/**
 * The certificate as a PDF: A4 portrait, the education provider at the top,
 * Noto Sans embedded (pdf-document.ts) so Latvian and Cyrillic names render
 * everywhere, a vector QR code of the verification address, a place for the
 * provider's signature and stamp. It draws only what `CertificateContent`
 * holds (plus that address), and the same content gives the same bytes.
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

/** Renders the certificate; `verificationUrl` is `<origin>/verify/<serial>`. */
export async function certificatePdf(content: CertificateContent, verificationUrl: string): Promise<Uint8Array> {
  const kindTitle = KIND_TITLES[content.kind];
  const { doc, font, fontBold, save } = await newPdf({ title: `${kindTitle.lv} ${content.serial}`, isoDate: content.issuedOn, author: content.issuer, subject: kindTitle.en });

  let page = doc.addPage([A4.width, A4.height]);
  const firstPage = page;
  drawFrame(page);
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

  // The issuer heads the page: the education provider, never the prison.
  centered('Izglītības iestāde / Education provider', 8, font, MUTED);
  centered(content.issuer, 15, fontBold, ACCENT);
  y -= 10;
  page.drawLine({ start: { x: A4.width / 2 - 90, y }, end: { x: A4.width / 2 + 90, y }, thickness: 0.8, color: ACCENT });
  y -= gap(44);
  centered(kindTitle.lv.toUpperCase(), 24, fontBold);
  centered(kindTitle.en, 13, font, MUTED);
  y -= gap(34);
  centered('Izsniegta / Issued to', 10, font, MUTED);
  centered(content.holderName, 26, fontBold, INK, 1.5);
  y -= gap(24);
  centered(content.kind === 'statement' ? 'par programmas daļas apguvi / for the part completed of' : 'par apguvi / for completing', 10, font, MUTED);
  const title = titleIn(content.title, 'lv');
  centered(title, 17, fontBold);
  if (content.title.en && content.title.en !== title) centered(content.title.en, 12, font, MUTED);
  y -= gap(30);

  const rows: Array<[string, string]> = [
    [content.kind === 'statement' ? 'Pabeigts apjoms / Hours completed' : 'Apjoms / Hours', `${content.hours} stundas / hours`],
    ...(content.level ? [['Līmenis / Level', content.level] as [string, string]] : []),
    [content.kind === 'statement' ? 'Mācības līdz / Studied until' : 'Pabeigts / Completed on', latvianDate(content.completedOn)],
    ['Izsniegts / Issued on', latvianDate(content.issuedOn)],
    ['Izdevējs / Issuer', content.issuer],
  ];
  const labelX = MARGIN + 20;
  const valueX = MARGIN + 210;
  for (const [label, value] of rows) {
    const lines = wrap(value, font, 12, A4.width - MARGIN - 20 - valueX);
    y -= 20;
    page.drawText(label, { x: labelX, y, size: 10, font, color: MUTED });
    lines.forEach((line, i) => page.drawText(line, { x: valueX, y: y - i * 16, size: 12, font: i === 0 && label.includes('Hours') ? fontBold : font, color: INK }));
    y -= (lines.length - 1) * 16;
  }

  // Footer of the first page: serial and verification address on the left, QR code on the right,
  // and above them the place for the signature and stamp.
  const qrSize = 100;
  const footerY = MARGIN + 4;
  const signatureY = footerY + qrSize + 62;

  if (items.length) {
    // Courses: title, hours, completed on (or how far it got); courses outside the programme under
    // a heading of their own. Continues on a next page when long.
    const bottom = () => (page === firstPage ? signatureY + 56 : MARGIN);
    const col = { title: MARGIN + 20, hours: MARGIN + width - 190, done: MARGIN + width - 120 };
    const heading = (outside: boolean) => {
      y -= 22;
      const name = outside
        ? 'Citas mācības ārpus programmas / Other courses outside the programme'
        : content.kind === 'statement'
          ? 'Apgūtais / What was done'
          : 'Moduļi / Modules';
      page.drawText(name, { x: col.title, y, size: 10, font: fontBold, color: MUTED });
      if (!outside) {
        page.drawText('Stundas / Hours', { x: col.hours, y, size: 8, font, color: MUTED });
        page.drawText('Pabeigts / Completed', { x: col.done, y, size: 8, font, color: MUTED });
      }
      y -= 4;
      page.drawLine({ start: { x: col.title, y }, end: { x: MARGIN + width - 10, y }, thickness: 0.5, color: MUTED });
    };
    let outside = false;
    y -= 8;
    heading(false);
    for (const item of items) {
      const lines = wrap(titleIn(item.title, 'lv'), font, 10, col.hours - col.title - 12);
      const done = item.completedOn ? latvianDate(item.completedOn) : `nepabeigts / not completed${item.progressPercent === undefined ? '' : ` (${item.progressPercent} %)`}`;
      const doneLines = wrap(done, font, 9, MARGIN + width - 10 - col.done);
      const height = Math.max(lines.length * 13, doneLines.length * 12) + 4;
      const newHeading = Boolean(item.outside) && !outside;
      if (y - height - (newHeading ? 30 : 0) < bottom()) {
        page.drawText('Turpinājums nākamajā lapā / Continued on the next page', { x: col.title, y: y - 14, size: 8, font, color: MUTED });
        page = doc.addPage([A4.width, A4.height]);
        drawFrame(page);
        y = A4.height - MARGIN;
        page.drawText(`${content.serial} · ${content.holderName}`, { x: MARGIN, y: y - 10, size: 9, font, color: MUTED });
        y -= 20;
        heading(outside);
      }
      if (newHeading) {
        outside = true;
        y -= 6;
        heading(true);
      }
      y -= 14;
      lines.forEach((line, i) => page.drawText(line, { x: col.title, y: y - i * 13, size: 10, font, color: INK }));
      page.drawText(String(item.hours), { x: col.hours, y, size: 10, font, color: INK });
      doneLines.forEach((line, i) => page.drawText(line, { x: col.done, y: y - i * 12, size: 9, font, color: item.completedOn ? INK : MUTED }));
      y -= height - 14;
    }
  }

  drawSignatureAndStamp(firstPage, font, signatureY);
  firstPage.drawLine({ start: { x: MARGIN, y: footerY + qrSize + 12 }, end: { x: A4.width - MARGIN, y: footerY + qrSize + 12 }, thickness: 0.4, color: MUTED });
  drawQr(firstPage, verificationUrl, A4.width - MARGIN - qrSize, footerY, qrSize);
  const textWidth = width - qrSize - 20;
  firstPage.drawText('Sērijas numurs / Serial number', { x: MARGIN, y: footerY + 84, size: 9, font, color: MUTED });
  firstPage.drawText(content.serial, { x: MARGIN, y: footerY + 64, size: 16, font: fontBold, color: INK });
  firstPage.drawText('Pārbaudīt / Verify at', { x: MARGIN, y: footerY + 40, size: 9, font, color: MUTED });
  wrap(verificationUrl, font, 10, textWidth).forEach((line, i) =>
    firstPage.drawText(line, { x: MARGIN, y: footerY + 26 - i * 13, size: 10, font, color: ACCENT }),
  );
  firstPage.drawText('Elektroniski parakstīts; īstumu pārbaudiet ar QR kodu / Signed electronically; verify it with the QR code', { x: MARGIN, y: footerY - 4, size: 7, font, color: MUTED });

  return save();
}

/** The QR code as filled squares (runs of dark modules per row), with a quiet zone of white. */
export function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
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
