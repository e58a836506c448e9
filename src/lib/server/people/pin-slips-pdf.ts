import { rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { t, type MessageKey } from '../../i18n/index.ts';
import { A4, ACCENT, INK, MUTED, newPdf, wrap } from '../certificates/pdf-document.ts';
import type { PinSlip } from './pin-slips.ts';

/**
 * PIN slips as a PDF: an A4 sheet of eight cut-out slips (two columns, four
 * rows, dashed cut lines), each in its learner's language: name, number,
 * PIN, and how to sign in. Made on the response that issued the PINs and
 * never stored, like the PINs themselves.
 */

const COLUMNS = 2;
const ROWS = 4;
const PAGE_MARGIN = 24;
const PAD = 14;
const CUT = rgb(0.55, 0.55, 0.6);

/** Draws one slip with its top-left corner at (x, top). */
function drawSlip(page: PDFPage, fonts: { font: PDFFont; bold: PDFFont }, slip: PinSlip, x: number, top: number, width: number, height: number): void {
  const tr = (key: MessageKey) => t(slip.locale, key);
  const inner = width - 2 * PAD;
  let y = top - PAD;
  const line = (text: string, size: number, font: PDFFont, color = INK, gap = 1.3) => {
    for (const part of wrap(text, font, size, inner)) {
      y -= size * gap;
      page.drawText(part, { x: x + PAD, y, size, font, color });
    }
  };
  line(tr('pins.slipTitle'), 10, fonts.bold, ACCENT);
  y -= 3;
  line(slip.name, 13, fonts.bold);
  y -= 5;
  // The two facts side by side: the number (as typed at sign-in) and the PIN, large.
  const factTop = y;
  const half = inner / 2;
  page.drawText(tr('login.inmateNumber'), { x: x + PAD, y: factTop - 9, size: 8, font: fonts.font, color: MUTED });
  page.drawText(slip.inmateNumber, { x: x + PAD, y: factTop - 27, size: 15, font: fonts.bold, color: INK });
  page.drawText(tr('login.pin'), { x: x + PAD + half, y: factTop - 9, size: 8, font: fonts.font, color: MUTED });
  page.drawText(slip.pin.split('').join(' '), { x: x + PAD + half, y: factTop - 29, size: 20, font: fonts.bold, color: INK });
  y = factTop - 40;
  line(tr('pins.slipHow'), 8.5, fonts.font, INK, 1.25);
  y -= 2;
  line(tr('pins.slipSecret'), 8.5, fonts.bold, INK, 1.25);
  // For staff sorting the cut slips: the prison, small, at the foot.
  page.drawText(slip.facilityName, { x: x + PAD, y: top - height + PAD, size: 7.5, font: fonts.font, color: MUTED });
}

/** The slips, eight to an A4 page, in the order given. */
export async function pinSlipsPdf(slips: readonly PinSlip[], isoDate: string): Promise<Uint8Array> {
  const { doc, font, fontBold, save } = await newPdf({ title: t('lv', 'pins.pdfTitle'), isoDate });
  const width = (A4.width - 2 * PAGE_MARGIN) / COLUMNS;
  const height = (A4.height - 2 * PAGE_MARGIN) / ROWS;
  const perPage = COLUMNS * ROWS;
  for (let start = 0; start < slips.length; start += perPage) {
    const page = doc.addPage([A4.width, A4.height]);
    // Cut lines around every cell, dashed so they read as "cut here", not as a frame.
    const dashed = { thickness: 0.6, color: CUT, dashArray: [4, 3] };
    for (let c = 0; c <= COLUMNS; c++) {
      const x = PAGE_MARGIN + c * width;
      page.drawLine({ start: { x, y: PAGE_MARGIN }, end: { x, y: A4.height - PAGE_MARGIN }, ...dashed });
    }
    for (let r = 0; r <= ROWS; r++) {
      const y = PAGE_MARGIN + r * height;
      page.drawLine({ start: { x: PAGE_MARGIN, y }, end: { x: A4.width - PAGE_MARGIN, y }, ...dashed });
    }
    slips.slice(start, start + perPage).forEach((slip, i) => {
      const x = PAGE_MARGIN + (i % COLUMNS) * width;
      const top = A4.height - PAGE_MARGIN - Math.floor(i / COLUMNS) * height;
      drawSlip(page, { font, bold: fontBold }, slip, x, top, width, height);
    });
  }
  return save();
}
