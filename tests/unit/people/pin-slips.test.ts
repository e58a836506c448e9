import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR, listAudit, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { verifySecret } from '../../../src/lib/server/password.ts';
import { importRoster } from '../../../src/lib/server/people/roster.ts';
import { issuePins, listPinHolders } from '../../../src/lib/server/people/pin-slips.ts';
import { resetLearnerPin } from '../../../src/lib/server/people/learners.ts';
import { ROSTER_COLUMNS } from '../../../src/lib/server/people/roster-csv.ts';
import { createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

/** A roster of new Olaine inmates (Russian- and English-speaking ones too), imported by the nightly sync. */
async function admitNewLearners(): Promise<number[]> {
  const rows = [
    ['302001', 'Liepa', 'Andris', 'lv'],
    ['302002', 'Соколов', 'Игорь', 'ru'],
    ['302003', 'Smith', 'John', 'en'],
  ].map(([n, surname, given, lang]) => [n, surname, given, '1990', 'OLA', '', 'basic', 'B1', lang]);
  const header = ROSTER_COLUMNS.join(',');
  const text = [header, ...rows.map((r) => ROSTER_COLUMNS.map((_, i) => r[i]).join(','))].join('\n');
  const result = await importRoster(p.db, { kind: 'system', audit: SYSTEM_ACTOR }, text);
  if (!result.ok) throw new Error(result.code);
  return result.report.rows.flatMap((r) => (r.action === 'create' && r.learnerId ? [r.learnerId] : []));
}
const hashOf = (learnerId: number) =>
  p.db.prepare('SELECT u.secret_hash FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?').pluck().get(learnerId) as string;
const pinAudits = () => listAudit(p.db, { action: 'learner.pinReset' }).entries;

describe('PIN slips for the new learners of a roster import', () => {
  test('each new learner gets a PIN (stored hashed, audited per learner) and a slip in their own language', async () => {
    const ids = await admitNewLearners();
    expect(ids).toHaveLength(3);
    const result = await issuePins(p.db, p.educationStaff.user, ids);
    if (!result.ok) throw new Error(result.code);
    expect(result.skipped).toEqual([]);
    expect(result.slips.map((s) => [s.name, s.inmateNumber, s.locale, s.facilityName])).toEqual([
      ['Andris Liepa', '302001', 'lv', p.facilityA.name],
      ['John Smith', '302003', 'en', p.facilityA.name],
      ['Игорь Соколов', '302002', 'ru', p.facilityA.name],
    ]);
    for (const slip of result.slips) {
      expect(slip.pin).toMatch(/^\d{6}$/);
      expect(hashOf(slip.learnerId)).not.toContain(slip.pin);
      expect(await verifySecret(hashOf(slip.learnerId), slip.pin)).toBe(true);
    }
    const audits = pinAudits();
    expect(audits.map((a) => Number(a.targetId)).sort()).toEqual([...ids].sort());
    expect(audits.every((a) => a.actorUserId === p.educationStaff.user.id && a.facilityId === p.facilityA.id && a.details.via === 'slips')).toBe(true);
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('a second click issues nothing to learners who already have a PIN: it reports them as skipped', async () => {
    const ids = await admitNewLearners();
    const first = await issuePins(p.db, p.educationStaff.user, ids);
    if (!first.ok) throw new Error(first.code);
    const hashes = ids.map(hashOf);
    const second = await issuePins(p.db, p.educationStaff.user, ids);
    expect(second).toMatchObject({ ok: true, slips: [] });
    if (second.ok) expect(second.skipped.map((h) => h.learnerId).sort()).toEqual([...ids].sort());
    expect(ids.map(hashOf)).toEqual(hashes);
    expect(pinAudits()).toHaveLength(3);
    // The old slips still work.
    for (const slip of first.slips) expect(await verifySecret(hashOf(slip.learnerId), slip.pin)).toBe(true);
  });

  test('only learners without a PIN get one; the others keep theirs unless staff ask to replace them', async () => {
    const ids = await admitNewLearners();
    const handedOver = await resetLearnerPin(p.db, p.educationStaff.user, ids[0]!);
    if (!handedOver.ok) throw new Error(handedOver.code);
    const batch = await issuePins(p.db, p.educationStaff.user, [...ids, p.learner.learnerId]);
    if (!batch.ok) throw new Error(batch.code);
    expect(batch.slips.map((s) => s.learnerId).sort()).toEqual([ids[1], ids[2]].sort());
    // The fixture's learner had a PIN before this branch existed (not admitted by the roster).
    expect(batch.skipped.map((h) => h.learnerId).sort()).toEqual([ids[0], p.learner.learnerId].sort());
    expect(await verifySecret(hashOf(ids[0]!), handedOver.pin)).toBe(true);

    const replaced = await issuePins(p.db, p.educationStaff.user, [ids[0]!], { replace: true });
    if (!replaced.ok) throw new Error(replaced.code);
    expect(replaced.slips).toHaveLength(1);
    expect(await verifySecret(hashOf(ids[0]!), handedOver.pin)).toBe(false);
    expect(await verifySecret(hashOf(ids[0]!), replaced.slips[0]!.pin)).toBe(true);
  });

  test("another prison's learner in the batch (a crafted id) refuses the whole batch and writes nothing", async () => {
    const ids = await admitNewLearners();
    const before = ids.map(hashOf);
    for (const crafted of [p.otherLearner.learnerId, 999_999]) {
      expect(await issuePins(p.db, p.educationStaff.user, [...ids, crafted])).toEqual({ ok: false, code: 'learner.notFound' });
    }
    expect(await issuePins(p.db, p.otherEducationStaff.user, ids)).toEqual({ ok: false, code: 'learner.notFound' });
    // A teacher sees learners of the prison but issues no PINs.
    expect(await issuePins(p.db, p.teacher.user, ids)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(ids.map(hashOf)).toEqual(before);
    expect(pinAudits()).toEqual([]);
    // Granted Iļģuciems, the same staff member may include its learner.
    const granted = grantFacility(p.db, p.educationStaff, p.facilityB.id);
    expect(listPinHolders(p.db, granted, [p.otherLearner.learnerId])).toMatchObject({ ok: true });
  });

  test('released learners, an empty batch and an oversized one are refused', async () => {
    expect(await issuePins(p.db, p.educationStaff.user, [p.formerLearner.learnerId])).toEqual({ ok: false, code: 'pins.notInCustody' });
    expect(await issuePins(p.db, p.educationStaff.user, [])).toEqual({ ok: false, code: 'pins.empty' });
    expect(await issuePins(p.db, p.educationStaff.user, Array.from({ length: 501 }, (_, i) => i + 1))).toEqual({ ok: false, code: 'pins.tooMany' });
  });
});
