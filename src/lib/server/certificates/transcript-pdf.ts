import type { PDFFont, PDFPage } from 'pdf-lib';
import { titleIn } from './content.ts';
import { KIND_TITLES } from './pdf.ts';
import { A4, ACCENT, INK, MARGIN, MUTED, drawFrame, latvianDate, newPdf, wrap } from './pdf-document.ts';
import type { Transcript } from './transcript-types.ts';

/**
 * The transcript as a PDF: A4, Latvian with English, three sections (courses
 * completed, courses begun, documents issued), each page framed and numbered
 * with the holder's name. It names no prison, no facility and no inmate number.
 */

const WIDTH = A4.width - 2 * MARGIN;
const COL = { hours: MARGIN + WIDTH - 175, last: MARGIN + WIDTH - 100 };
const BOTTOM = MARGIN + 24;

export async function transcriptPdf(t: Transcript, verifyAddress: string): Promise<Uint8Array> {
  const { doc, font, fontBold, save } = await newPdf({ title: `Sekmju izraksts / Transcript: ${t.holderName}`, isoDate: t.generatedOn });

  let page: PDFPage = doc.addPage([A4.width, A4.height]);
  drawFrame(page);
  let y = A4.height - MARGIN;
  let tableHead: (() => void) | null = null;
  const newPage = () => {
    page = doc.addPage([A4.width, A4.height]);
    drawFrame(page);
    y = A4.height - MARGIN;
    page.drawText(`${t.holderName} · Sekmju izraksts / Transcript · ${latvianDate(t.generatedOn)}`, { x: MARGIN, y: y - 9, size: 9, font, color: MUTED });
    y -= 26;
    tableHead?.();
  };
  const need = (height: number) => {
    if (y - height < BOTTOM) newPage();
  };
  /** Draws wrapped text at the current line (y does not move); returns the height used. */
  const text = (s: string, x: number, size: number, f: PDFFont = font, color = INK, maxWidth = WIDTH - (x - MARGIN)) => {
    const lines = wrap(s, f, size, maxWidth);
    lines.forEach((line, i) => page.drawText(line, { x, y: y - i * (size + 3), size, font: f, color }));
    return lines.length * (size + 3);
  };
  const section = (title: string, last: string, head = true) => {
    need(60);
    y -= 14;
    text(title, MARGIN, 12, fontBold, ACCENT);
    y -= 20;
    tableHead = head
      ? () => {
          text('Kurss / Course', MARGIN, 8, font, MUTED);
          text('Stundas / Hours', COL.hours, 8, font, MUTED);
          text(last, COL.last, 8, font, MUTED);
          y -= 5;
          page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + WIDTH, y }, thickness: 0.5, color: MUTED });
          y -= 14;
        }
      : null;
    tableHead?.();
  };

  // Heading: what the document is, whose it is, and the totals.
  y -= 24;
  text('SEKMJU IZRAKSTS', MARGIN, 22, fontBold);
  const prepared = `Sagatavots / Prepared on ${latvianDate(t.generatedOn)}`;
  text(prepared, MARGIN + WIDTH - font.widthOfTextAtSize(prepared, 9), 9, font, MUTED);
  y -= 20;
  text('Transcript of learning', MARGIN, 12, font, MUTED);
  y -= 14;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + WIDTH, y }, thickness: 0.8, color: ACCENT });
  y -= 24;
  text('Vārds, uzvārds / Name', MARGIN, 9, font, MUTED);
  y -= 20;
  text(t.holderName, MARGIN, 18, fontBold);
  y -= 24;
  text(
    `Pabeigti kursi / Courses completed: ${t.courses.length} · Kopā / Total: ${t.totalHours} stundas / hours · Iesākti / Begun: ${t.inProgress.length}`,
    MARGIN,
    10,
    font,
    INK,
  );
  y -= 14;

  section('Pabeigtie kursi / Courses completed', 'Pabeigts / Completed');
  if (!t.courses.length) {
    text('Pabeigtu kursu vēl nav. / No completed courses yet.', MARGIN, 10, font, MUTED);
    y -= 16;
  }
  for (const c of t.courses) {
    const title = titleIn(c.title, 'lv');
    const titleLines = wrap(title, fontBold, 10.5, COL.hours - MARGIN - 10);
    const details = [c.provider ? `Izglītības iestāde / Provider: ${c.provider}` : null, c.serial ? `Moduļa apliecība / Module certificate ${c.serial}` : null].filter(
      (s): s is string => s !== null,
    );
    need(titleLines.length * 14 + details.length * 12 + Math.min(c.assessments.length, 3) * 12 + 8);
    const used = text(title, MARGIN, 10.5, fontBold, INK, COL.hours - MARGIN - 10);
    text(String(c.hours), COL.hours, 10);
    text(latvianDate(c.completedOn), COL.last, 10);
    y -= used;
    for (const d of details) y -= text(d, MARGIN + 12, 8.5, font, MUTED);
    for (const a of c.assessments) {
      need(12);
      y -= text(`${a.title}: ${a.percent} % (${a.passed ? 'ieskaitīts / passed' : 'neieskaitīts / not passed'}, ${latvianDate(a.on)})`, MARGIN + 12, 8.5);
    }
    y -= 8;
  }

  if (t.inProgress.length) {
    section('Iesāktie kursi / Courses begun, not completed', 'Apgūts / Done');
    for (const c of t.inProgress) {
      const title = titleIn(c.title, 'lv');
      need(wrap(title, font, 10.5, COL.hours - MARGIN - 10).length * 14 + 20);
      const used = text(title, MARGIN, 10.5, font, INK, COL.hours - MARGIN - 10);
      text(String(c.hours), COL.hours, 10);
      text(`${c.percent} %`, COL.last, 10, fontBold);
      y -= used;
      const state = c.state === 'studying' ? 'mācās / studying' : 'pārtraukts / stopped';
      y -= text(`${state} · kopš / since ${latvianDate(c.since)}`, MARGIN + 12, 8.5, font, MUTED);
      y -= 8;
    }
  }

  const valid = t.documents.filter((d) => !d.revoked);
  if (valid.length) {
    section('Izsniegtie dokumenti / Documents issued', '', false);
    for (const d of valid) {
      const line = `${KIND_TITLES[d.kind].lv} / ${KIND_TITLES[d.kind].en} · ${titleIn(d.title, 'lv')} · ${latvianDate(d.issuedOn)}`;
      need(wrap(line, font, 9, WIDTH - 150).length * 12 + 6);
      text(d.serial, MARGIN, 9.5, fontBold);
      y -= text(line, MARGIN + 150, 9) + 4;
    }
    y -= 6;
    need(30);
    y -= text(`Dokumentu īstumu var pārbaudīt pēc sērijas numura / Documents can be verified by serial number at ${verifyAddress}`, MARGIN, 8.5, font, MUTED);
  }

  // Page numbers, now that the count is known.
  const pages = doc.getPages();
  pages.forEach((p, i) => {
    const label = `${i + 1} / ${pages.length}`;
    p.drawText(label, { x: A4.width - MARGIN - font.widthOfTextAtSize(label, 8), y: MARGIN - 14, size: 8, font, color: MUTED });
  });
  return save();
}
