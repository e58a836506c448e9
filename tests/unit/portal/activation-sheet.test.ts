import { extractText, getDocumentProxy } from 'unpdf';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { CODE_VALID_MS, issueActivationCode } from '../../../src/lib/server/portal/activation.ts';
import { activationSheetFor, activationSheetPdf } from '../../../src/lib/server/portal/activation-sheet.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
const T0 = new Date('2026-03-01T10:00:00.000Z');
const ADDRESS = 'https://tilts.example.lv/portal/activate';

beforeEach(async () => {
  p = await createPrison();
  stmt(p.db, "UPDATE learner SET status = 'released' WHERE id = ?").run(p.learner.learnerId);
});
afterEach(() => p.cleanup());

function issue(now = T0) {
  const result = issueActivationCode(p.db, p.educationStaff.user, p.learner.learnerId, { birthDate: '1990-04-23' }, now);
  if (!result.ok) throw new Error(result.code);
  return result.issued;
}

describe('the activation sheet PDF', () => {
  test('is made for the code just issued, in the person’s language, and names no prison', async () => {
    stmt(p.db, "UPDATE user SET preferred_locale = 'ru' WHERE id = (SELECT user_id FROM learner WHERE id = ?)").run(p.learner.learnerId);
    const issued = issue();
    const result = activationSheetFor(p.db, p.educationStaff.user, p.learner.learnerId, issued.code.toLowerCase(), ADDRESS, T0);
    expect(result).toEqual({
      ok: true,
      sheet: {
        holderName: 'Mārtiņš Bērziņš',
        username: issued.username,
        code: issued.code,
        expiresAt: issued.expiresAt,
        activateAddress: ADDRESS,
        locale: 'ru',
        issuedAt: T0.toISOString(),
      },
    });
    if (!result.ok) return;
    const { text } = await extractText(await getDocumentProxy(await activationSheetPdf(result.sheet)), { mergePages: true });
    for (const expected of [issued.code, issued.username, 'Mārtiņš Bērziņš', ADDRESS, 'Ваш доступ', 'Jūsu piekļuve']) expect(text).toContain(expected);
    for (const custody of [p.facilityA.name, p.learner.inmateNumber]) expect(text).not.toContain(custody);
  });

  test('only while the code is open, and only for staff of the learner’s prison', () => {
    const first = issue();
    const sheet = (code: string, actor = p.educationStaff.user, now = T0) => activationSheetFor(p.db, actor, p.learner.learnerId, code, ADDRESS, now);
    expect(sheet(first.code, p.otherEducationStaff.user)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(sheet('K7QM-3XPA-9TWD')).toEqual({ ok: false, code: 'activation.invalid' });
    expect(sheet('not a code at all')).toEqual({ ok: false, code: 'activation.invalid' });
    expect(sheet(first.code, p.educationStaff.user, new Date(T0.getTime() + CODE_VALID_MS + 1))).toEqual({ ok: false, code: 'activation.invalid' });
    const second = issue(new Date(T0.getTime() + 60_000));
    expect(sheet(first.code)).toEqual({ ok: false, code: 'activation.invalid' });
    expect(sheet(second.code).ok).toBe(true);
    expect(activationSheetFor(p.db, p.educationStaff.user, 999_999, second.code, ADDRESS, T0)).toEqual({ ok: false, code: 'learner.notFound' });
  });
});
