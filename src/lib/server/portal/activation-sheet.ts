import type { PDFFont, PDFPage } from 'pdf-lib';
import { formatDate, t } from '../../i18n/index.ts';
import type { Locale } from '../../shared/domain.ts';
import { stmt, type Db } from '../db.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { hashActivationCode, normalizeActivationCode } from './activation-code.ts';
import { drawQr } from '../certificates/pdf.ts';
import { A4, ACCENT, INK, MARGIN, MUTED, drawFrame, newPdf, wrap } from '../certificates/pdf-document.ts';

/**
 * The activation sheet as a PDF: what a released person takes away to open
 * the portal (their name, sign-in name, the one-time code, until when it is
 * valid, the address with a QR code, three steps). In the person's language,
 * with the title also in Latvian. It names no prison. Made on the response
 * that issues the code and never stored, like the code itself.
 */

export interface ActivationSheet {
  holderName: string;
  username: string;
  /** The code as printed (`K7QM-3XPA-9TWD`). */
  code: string;
  /** ISO timestamp. */
  expiresAt: string;
  /** `<origin>/portal/activate`. */
  activateAddress: string;
  /** The person's language. */
  locale: Locale;
  /** ISO timestamp of the issue (the document's date). */
  issuedAt: string;
}

export type SheetResult = { ok: true; sheet: ActivationSheet } | { ok: false; code: 'learner.notFound' | 'auth.forbidden' | 'activation.invalid' };

/**
 * The sheet of the code staff were just shown (they send it back from the
 * page): only while that code is the learner's open one (not used, replaced
 * or expired), and only for staff who may issue codes in the learner's last
 * prison. Reads only; the issue itself was audited.
 */
export function activationSheetFor(db: Db, actor: SessionUser, learnerId: number, code: string, activateAddress: string, now = new Date()): SheetResult {
  const learner = stmt(
    db,
    `SELECT l.given_names, l.surname, u.facility_id, u.preferred_locale, p.username FROM learner l
       JOIN user u ON u.id = l.user_id LEFT JOIN user p ON p.id = l.portal_user_id WHERE l.id = ?`,
  ).get(learnerId) as { given_names: string; surname: string; facility_id: number | null; preferred_locale: Locale; username: string | null } | undefined;
  if (!learner) return { ok: false, code: 'learner.notFound' };
  if (!can(actor, 'portal:activate', { facilityId: learner.facility_id })) return { ok: false, code: 'auth.forbidden' };
  const normalized = normalizeActivationCode(code);
  const open = normalized
    ? (stmt(
        db,
        'SELECT created_at, expires_at FROM portal_activation WHERE learner_id = ? AND code_hash = ? AND used_at IS NULL AND superseded_at IS NULL AND expires_at > ?',
      ).get(learnerId, hashActivationCode(normalized), now.toISOString()) as { created_at: string; expires_at: string } | undefined)
    : undefined;
  if (!open || !learner.username) return { ok: false, code: 'activation.invalid' };
  return {
    ok: true,
    sheet: {
      holderName: `${learner.given_names} ${learner.surname}`,
      username: learner.username,
      code: normalized!.match(/.{4}/g)!.join('-'),
      expiresAt: open.expires_at,
      activateAddress,
      locale: learner.preferred_locale,
      issuedAt: open.created_at,
    },
  };
}

export async function activationSheetPdf(sheet: ActivationSheet): Promise<Uint8Array> {
  const tr = (key: Parameters<typeof t>[1], params?: Record<string, string>) => t(sheet.locale, key, params);
  const { doc, font, fontBold, save } = await newPdf({ title: t('lv', 'activation.sheetTitle'), isoDate: sheet.issuedAt.slice(0, 10) });
  doc.setLanguage(sheet.locale);
  const page: PDFPage = doc.addPage([A4.width, A4.height]);
  drawFrame(page);
  const width = A4.width - 2 * MARGIN;
  let y = A4.height - MARGIN;
  /** Draws wrapped text and moves down past it. */
  const text = (s: string, size: number, f: PDFFont = font, color = INK, x = MARGIN, maxWidth = width - (x - MARGIN)) => {
    for (const line of wrap(s, f, size, maxWidth)) {
      y -= size * 1.35;
      page.drawText(line, { x, y, size, font: f, color });
    }
  };

  y -= 8;
  text(tr('activation.sheetTitle'), 20, fontBold, ACCENT);
  if (sheet.locale !== 'lv') text(t('lv', 'activation.sheetTitle'), 11, font, MUTED);
  y -= 18;
  text(sheet.holderName, 18, fontBold);
  y -= 6;
  text(tr('activation.sheetIntro'), 11);
  y -= 16;

  // The facts: label above value, the code large, in a box that catches the eye.
  const qrSize = 110;
  const factWidth = width - qrSize - 20;
  const fact = (label: string, value: string, size: number, f: PDFFont = fontBold) => {
    text(label, 9, font, MUTED, MARGIN, factWidth);
    y -= 2;
    text(value, size, f, INK, MARGIN, factWidth);
    y -= 12;
  };
  const boxTop = y;
  y -= 14;
  fact(tr('activation.sheetCode'), sheet.code, 28);
  fact(tr('activation.signInName'), sheet.username, 16);
  fact(tr('activation.sheetValidUntil'), formatDate(sheet.locale, sheet.expiresAt), 13, font);
  fact(tr('activation.sheetAddress'), sheet.activateAddress, 13, font);
  page.drawRectangle({ x: MARGIN - 10, y, width: width + 20, height: boxTop - y, borderColor: ACCENT, borderWidth: 1.2 });
  drawQr(page, sheet.activateAddress, A4.width - MARGIN - qrSize, boxTop - qrSize - 10, qrSize);
  y -= 24;

  [tr('activation.sheetStep1', { url: sheet.activateAddress }), tr('activation.sheetStep2'), tr('activation.sheetStep3')].forEach((step, i) => {
    const top = y;
    text(step, 12, font, INK, MARGIN + 22);
    page.drawText(`${i + 1}.`, { x: MARGIN, y: top - 12 * 1.35, size: 12, font: fontBold, color: ACCENT });
    y -= 6;
  });
  y -= 14;
  text(tr('activation.sheetOnce'), 12, fontBold);
  return save();
}
