import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR, listAudit, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { verifySecret } from '../../../src/lib/server/password.ts';
import { getLearner, listLearners } from '../../../src/lib/server/people/learners.ts';
import { formatRosterReport, importRoster, previewRoster, type RosterActor, type RosterResult } from '../../../src/lib/server/people/roster.ts';
import { ROSTER_COLUMNS, parseRoster } from '../../../src/lib/server/people/roster-csv.ts';
import { auditActions, createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const system: RosterActor = { kind: 'system', audit: SYSTEM_ACTOR };
const staff = (): RosterActor => ({ kind: 'staff', user: p.educationStaff.user });

type Values = Partial<Record<(typeof ROSTER_COLUMNS)[number], string>>;
const HEADER = ROSTER_COLUMNS.join(',');
/** A valid roster row at Olaine unless told otherwise. */
function row(v: Values, sep = ','): string {
  const full: Record<string, string> = {
    inmate_number: '301001',
    surname: 'Bērziņš',
    given_names: 'Jānis',
    birth_year: '1988',
    facility_code: 'OLA',
    expected_release_date: '2028-05-31',
    education_level: 'basic',
    latvian_level: 'B1',
    preferred_language: 'lv',
    ...v,
  };
  return ROSTER_COLUMNS.map((c) => full[c]).join(sep);
}
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

const GOOD = csv(
  row({ inmate_number: '301001' }),
  row({ inmate_number: '301002', surname: 'Жуков', given_names: 'Алексей', latvian_level: 'A1', preferred_language: 'ru', birth_year: '' }),
  row({ inmate_number: '301003', surname: 'Ozoliņa', given_names: 'Ģertrūde', facility_code: 'ILG', expected_release_date: '', education_level: 'secondary' }),
);

function report(result: RosterResult) {
  if (!result.ok) throw new Error(`file refused: ${result.code}`);
  return result.report;
}
const count = (sql: string) => p.db.prepare(sql).pluck().get() as number;
const learnerByNumber = (n: string) => listLearners(p.db, p.admin.user, { q: n }).find((l) => l.inmateNumber === n);
/** Everything an import could write, as row counts. */
const footprint = () => ['learner', 'user', 'learner_move', 'audit_log'].map((table) => count(`SELECT count(*) FROM ${table}`));

describe('a good roster', () => {
  test('admits every row as a learner in custody, with an admission move, no usable PIN, and audits it', async () => {
    const r = report(await importRoster(p.db, system, GOOD, { fileName: 'roster.csv' }));
    expect(r.committed).toBe(true);
    expect(r.counts).toEqual({ create: 3, update: 0, unchanged: 0, transfer: 0, refused: 0 });
    expect(r.rows.map((x) => [x.row, x.inmateNumber, x.action])).toEqual([
      [2, '301001', 'create'],
      [3, '301002', 'create'],
      [4, '301003', 'create'],
    ]);
    const zhukov = learnerByNumber('301002')!;
    expect(zhukov).toMatchObject({ surname: 'Жуков', givenNames: 'Алексей', birthYear: null, latvianLevel: 'A1', preferredLocale: 'ru', status: 'in_custody', facilityId: p.facilityA.id, active: true });
    expect(learnerByNumber('301003')).toMatchObject({ givenNames: 'Ģertrūde', surname: 'Ozoliņa', facilityId: p.facilityB.id, expectedReleaseDate: null, educationLevel: 'secondary' });
    expect(p.db.prepare("SELECT kind, from_facility_id, to_facility_id, reason FROM learner_move WHERE learner_id = ?").get(zhukov.id)).toEqual({
      kind: 'admission',
      from_facility_id: null,
      to_facility_id: p.facilityA.id,
      reason: 'roster import',
    });
    // Nobody knows the secret: staff issue a PIN later.
    const hash = p.db.prepare('SELECT secret_hash FROM user WHERE id = ?').pluck().get(zhukov.userId) as string;
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifySecret(hash, '')).toBe(false);
    expect(await verifySecret(hash, '2468')).toBe(false);
    expect(auditActions(p.db)).toEqual(['learner.create', 'learner.create', 'learner.create', 'roster.import']);
    expect(listAudit(p.db, { action: 'roster.import' }).entries[0]).toMatchObject({
      actorLabel: 'system',
      details: { file: 'roster.csv', rows: 3, create: 3, update: 0, unchanged: 0, transfer: 0, refused: 0 },
    });
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('importing the same file again changes nothing: every row unchanged, no new learner, one summary entry', async () => {
    report(await importRoster(p.db, system, GOOD));
    const learners = count('SELECT count(*) FROM learner');
    const moves = count('SELECT count(*) FROM learner_move');
    const audit = auditActions(p.db).length;
    const again = report(await importRoster(p.db, system, GOOD));
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 3, transfer: 0, refused: 0 });
    expect(count('SELECT count(*) FROM learner')).toBe(learners);
    expect(count('SELECT count(*) FROM learner_move')).toBe(moves);
    expect(auditActions(p.db).slice(audit)).toEqual(['roster.import']);
  });

  test('Latvian and Cyrillic letters survive the round trip exactly', async () => {
    const names = [
      ['301010', 'Bērziņš', 'Ģirts Ēriks'],
      ['301011', 'Жуков', 'Алексей Юрьевич'],
      ['301012', 'Šķēle-Čakste', 'Ļena Ņina Žanete'],
    ];
    report(await importRoster(p.db, system, Buffer.from(csv(...names.map(([n, s, g]) => row({ inmate_number: n, surname: s, given_names: g }))), 'utf8')));
    // A value may be quoted (a quoted one may hold the delimiter, which a name may not); spaces around a value are not part of it.
    const quoted = report(await importRoster(p.db, system, csv(row({ inmate_number: '301013', surname: '  Ozola ', given_names: '"Anna Marija"' }), row({ inmate_number: '301014', given_names: '"Anna, Marija"' }))));
    expect(learnerByNumber('301013')).toMatchObject({ surname: 'Ozola', givenNames: 'Anna Marija' });
    expect(quoted.rows[1]).toMatchObject({ action: 'refused', errors: [{ field: 'given_names', reason: 'validation.personName' }] });
    for (const [n, s, g] of names) {
      expect(learnerByNumber(n!)).toMatchObject({ surname: s, givenNames: g });
      expect(p.db.prepare('SELECT display_name FROM user u JOIN learner l ON l.user_id = u.id WHERE l.inmate_number = ?').pluck().get(n)).toBe(`${g} ${s}`);
    }
  });

  test('Excel’s way: a byte order mark, semicolons, header names in any case and spacing, blank rows', async () => {
    const header = 'Inmate Number;SURNAME;Given names;birth_year;Facility-Code;expected_release_date;Education_Level;latvian level;preferred_language';
    const text = '\uFEFF' + [header, row({ inmate_number: '301020', latvian_level: 'b2', education_level: 'Vocational' }, ';'), ';;;;;;;;', '', row({ inmate_number: '301021', surname: 'Иванова' }, ';')].join('\r\n');
    const r = report(await importRoster(p.db, system, Buffer.from(text, 'utf8')));
    expect(r.rows.map((x) => [x.row, x.action])).toEqual([
      [2, 'create'],
      [5, 'create'],
    ]);
    expect(learnerByNumber('301020')).toMatchObject({ surname: 'Bērziņš', latvianLevel: 'B2', educationLevel: 'vocational' });
    expect(learnerByNumber('301021')?.surname).toBe('Иванова');
  });
});

describe('rows that are wrong', () => {
  test('each bad row is refused with its row, column and reason; the good rows are imported', async () => {
    const text = csv(
      row({ inmate_number: '301030' }),
      row({ inmate_number: '301031', expected_release_date: '2027-02-30' }),
      row({ inmate_number: '301032', facility_code: 'XYZ' }),
      row({ inmate_number: '301033', education_level: 'college' }),
      row({ inmate_number: '301034', surname: '' }),
      row({ inmate_number: '301030', surname: 'Dubults' }),
      row({ inmate_number: '301035', latvian_level: 'B3', preferred_language: 'de', birth_year: '88' }),
      '301036,Kalns,Pēteris,1990,OLA',
    );
    const r = report(await importRoster(p.db, system, text));
    const refused = Object.fromEntries(r.rows.filter((x) => x.action === 'refused').map((x) => [x.row, x.errors.map((e) => [e.field, e.reason])]));
    expect(refused).toEqual({
      3: [['expected_release_date', 'roster.error.date']],
      4: [['facility_code', 'roster.error.unknownFacility']],
      5: [['education_level', 'roster.error.educationLevel']],
      6: [['surname', 'roster.error.required']],
      7: [['inmate_number', 'roster.error.duplicate']],
      8: [
        ['birth_year', 'roster.error.birthYear'],
        ['latvian_level', 'roster.error.latvianLevel'],
        ['preferred_language', 'roster.error.language'],
      ],
      9: expect.arrayContaining([['row', 'roster.error.columnCount']]),
    });
    expect(r.counts).toMatchObject({ create: 1, refused: 7 });
    expect(r.rows.find((x) => x.row === 7)?.errors[0]?.params).toEqual({ row: 2 });
    expect(r.rows.find((x) => x.row === 4)?.errors[0]?.params).toEqual({ code: 'XYZ' });
    // Only the first 301030 was admitted, with its own surname.
    expect(learnerByNumber('301030')?.surname).toBe('Bērziņš');
    for (const n of ['301031', '301032', '301033', '301034', '301035', '301036']) expect(learnerByNumber(n)).toBeUndefined();
    expect(formatRosterReport(r)).toContain('row 4, facility_code: There is no facility with the code XYZ.');
    expect(formatRosterReport(r)).toContain('row 7, inmate_number: The same inmate number is already in row 2.');
    expect(formatRosterReport(r).split('\n').at(-1)).toBe('1 created, 0 updated, 0 unchanged, 0 transferred, 7 refused');
  });

  test('a file without a required column, not in UTF-8, empty or with a broken quote is not a roster at all', async () => {
    const before = footprint();
    const noColumn = [ROSTER_COLUMNS.filter((c) => c !== 'latvian_level').join(','), '301040,Kalns,Pēteris,1990,OLA,,basic,lv'].join('\n');
    expect(parseRoster(noColumn)).toEqual({ ok: false, code: 'roster.file.missingColumns', params: { columns: 'latvian_level' } });
    // "Bērziņš" as Windows-1257 writes it: ē = 0xE7, ņ = 0xF2, š = 0xF0.
    const baltic = Buffer.concat([Buffer.from(HEADER + '\n301041,B'), Buffer.from([0xe7]), Buffer.from('rzi'), Buffer.from([0xf2, 0xf0]), Buffer.from(',Jānis,1990,OLA,,basic,B1,lv\n')]);
    expect(await importRoster(p.db, system, baltic)).toMatchObject({ ok: false, code: 'roster.file.notUtf8' });
    expect(await importRoster(p.db, system, '\uFEFF\n\n')).toMatchObject({ ok: false, code: 'roster.file.empty' });
    expect(await importRoster(p.db, system, csv('301042,"Kalns,Pēteris,1990,OLA,,basic,B1,lv'))).toMatchObject({ ok: false, code: 'roster.file.malformed' });
    expect(await importRoster(p.db, system, HEADER + ',Surname\n')).toMatchObject({ ok: false, code: 'roster.file.duplicateColumn', params: { column: 'surname' } });
    expect(footprint()).toEqual(before);
  });
});

describe('learners already on the platform', () => {
  const known = (v: Values = {}) =>
    // The fixture's learner A-1001 as the register has him (same values as the fixture).
    row({ inmate_number: p.learner.inmateNumber, surname: 'Bērziņš', given_names: 'Mārtiņš', birth_year: '1990', expected_release_date: '2027-06-30', education_level: 'basic', latvian_level: 'B1', ...v });

  test('a row that matches the record is unchanged; the language the learner chose is not overwritten', async () => {
    const r = report(await importRoster(p.db, system, csv(known({ preferred_language: 'ru' }))));
    expect(r.rows[0]).toMatchObject({ action: 'unchanged', changes: [] });
    expect(getLearner(p.db, p.admin.user, p.learner.learnerId)?.preferredLocale).toBe('lv');
  });

  test('a changed field is updated and audited with what changed', async () => {
    const r = report(await importRoster(p.db, system, csv(known({ latvian_level: 'B2', surname: 'Bērziņš-Kalns' }))));
    expect(r.rows[0]).toMatchObject({ action: 'update', changes: ['surname', 'latvian_level'] });
    expect(getLearner(p.db, p.admin.user, p.learner.learnerId)).toMatchObject({ latvianLevel: 'B2', surname: 'Bērziņš-Kalns', facilityId: p.facilityA.id });
    expect(listAudit(p.db, { action: 'learner.update' }).entries[0]?.details).toMatchObject({
      inmateNumber: p.learner.inmateNumber,
      changed: { latvianLevel: { from: 'B1', to: 'B2' }, surname: { from: 'Bērziņš', to: 'Bērziņš-Kalns' } },
    });
  });

  test('a new facility code transfers the learner: a transfer move, the new facility, audited', async () => {
    const r = report(await importRoster(p.db, system, csv(known({ facility_code: 'ILG' }))));
    expect(r.rows[0]).toMatchObject({ action: 'transfer', changes: ['facility_code'] });
    expect(r.counts.transfer).toBe(1);
    expect(getLearner(p.db, p.admin.user, p.learner.learnerId)?.facilityId).toBe(p.facilityB.id);
    expect(p.db.prepare('SELECT kind, from_facility_id, to_facility_id, reason FROM learner_move WHERE learner_id = ?').all(p.learner.learnerId)).toEqual([
      { kind: 'transfer', from_facility_id: p.facilityA.id, to_facility_id: p.facilityB.id, reason: 'roster import' },
    ]);
    expect(auditActions(p.db)).toEqual(['learner.transfer', 'roster.import']);
    // And the next night's sync finds nothing to do.
    expect(report(await importRoster(p.db, system, csv(known({ facility_code: 'ILG' })))).rows[0]?.action).toBe('unchanged');
  });

  test('a released person is not brought back into custody by the roster', async () => {
    const r = report(await importRoster(p.db, system, csv(row({ inmate_number: p.formerLearner.inmateNumber, surname: 'Celmiņš', given_names: 'Raivis' }))));
    expect(r.rows[0]).toMatchObject({ action: 'refused', errors: [{ field: 'inmate_number', reason: 'roster.error.released' }] });
    expect(p.db.prepare('SELECT status FROM learner WHERE id = ?').pluck().get(p.formerLearner.learnerId)).toBe('released');
  });
});

describe('who may import what', () => {
  test('education staff import the rows of their own prison; rows of another prison are refused with the reason', async () => {
    const r = report(
      await importRoster(
        p.db,
        staff(),
        csv(row({ inmate_number: '301050' }), row({ inmate_number: '301051', facility_code: 'ILG' }), row({ inmate_number: p.otherLearner.inmateNumber, facility_code: 'ILG' })),
      ),
    );
    expect(r.rows.map((x) => [x.inmateNumber, x.action, x.errors.map((e) => `${e.field}:${e.reason}`)])).toEqual([
      ['301050', 'create', []],
      ['301051', 'refused', ['facility_code:roster.error.otherFacility']],
      [p.otherLearner.inmateNumber, 'refused', ['facility_code:roster.error.otherFacility']],
    ]);
    expect(learnerByNumber('301051')).toBeUndefined();
    expect(getLearner(p.db, p.admin.user, p.otherLearner.learnerId)?.surname).toBe('Kalniņa');
    expect(listAudit(p.db, { action: 'roster.import' }).entries[0]).toMatchObject({ actorUserId: p.educationStaff.user.id, facilityId: p.facilityA.id });
  });
});

describe('another prison\'s learner in the uploader\'s roster', () => {
  /** Everything about the other prison's learner that a pull would change. */
  const otherLearnerState = () =>
    p.db
      .prepare(
        `SELECT u.facility_id, u.display_name, l.surname, l.given_names, l.birth_year, l.expected_release_date, l.education_level, l.latvian_level, l.status, l.updated_at
         FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?`,
      )
      .get(p.otherLearner.learnerId);
  const pull = () => csv(row({ inmate_number: p.otherLearner.inmateNumber, surname: 'Pārdēvēta', given_names: 'Anna', facility_code: 'OLA' }));

  test('Olaine staff naming an Iļģuciems learner with OLA: refused as registered elsewhere, nothing about the learner changes', async () => {
    const before = otherLearnerState();
    const moves = count('SELECT count(*) FROM learner_move');
    for (const r of [report(previewRoster(p.db, staff(), pull())), report(await importRoster(p.db, staff(), pull()))]) {
      // The row says only that the person is registered elsewhere: no status, no changed columns, no names.
      expect(r.rows).toEqual([
        { row: 2, inmateNumber: p.otherLearner.inmateNumber, action: 'refused', changes: [], errors: [{ field: 'inmate_number', reason: 'roster.error.registeredElsewhere' }] },
      ]);
      expect(r.counts).toMatchObject({ transfer: 0, update: 0, refused: 1 });
    }
    expect(otherLearnerState()).toEqual(before);
    expect(count('SELECT count(*) FROM learner_move')).toBe(moves);
    expect(auditActions(p.db)).toEqual(['roster.import']);
  });

  test('a released person of another prison gets the same answer (their status is not revealed)', async () => {
    const released = p.db.prepare("UPDATE learner SET status = 'released' WHERE id = ?");
    released.run(p.otherLearner.learnerId);
    const r = report(previewRoster(p.db, staff(), pull()));
    expect(r.rows[0]?.errors).toEqual([{ field: 'inmate_number', reason: 'roster.error.registeredElsewhere' }]);
  });

  test('staff granted the learner\'s current prison may transfer them; the nightly sync (the system) may too', async () => {
    const granted: RosterActor = { kind: 'staff', user: grantFacility(p.db, p.educationStaff, p.facilityB.id) };
    expect(report(previewRoster(p.db, granted, pull())).rows[0]).toMatchObject({ action: 'transfer' });
    expect(report(previewRoster(p.db, system, pull())).rows[0]).toMatchObject({ action: 'transfer' });
    expect(report(await importRoster(p.db, system, pull())).counts.transfer).toBe(1);
    expect(getLearner(p.db, p.admin.user, p.otherLearner.learnerId)).toMatchObject({ facilityId: p.facilityA.id, surname: 'Pārdēvēta' });
  });
});

describe('looking before importing', () => {
  test('a preview and a dry run report what would happen and write nothing', async () => {
    const text = csv(row({ inmate_number: '301060' }), row({ inmate_number: p.learner.inmateNumber, facility_code: 'ILG' }), row({ inmate_number: '301061', facility_code: 'XYZ' }));
    const before = footprint();
    const preview = report(previewRoster(p.db, system, text));
    const dry = report(await importRoster(p.db, system, text, { dryRun: true }));
    expect(footprint()).toEqual(before);
    expect(getLearner(p.db, p.admin.user, p.learner.learnerId)?.facilityId).toBe(p.facilityA.id);
    for (const r of [preview, dry]) {
      expect(r.committed).toBe(false);
      expect(r.rows.map((x) => x.action)).toEqual(['create', 'transfer', 'refused']);
    }
    // The real import does what the preview said.
    expect(report(await importRoster(p.db, system, text)).rows.map((x) => x.action)).toEqual(['create', 'transfer', 'refused']);
  });
});
