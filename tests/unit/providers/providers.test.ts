import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { migrate, openDatabase, stmt } from '../../../src/lib/server/db.ts';
import { createProgramme, updateProgramme } from '../../../src/lib/server/placement/programme-edit.ts';
import {
  createProvider,
  deleteProvider,
  getProvider,
  listActiveProviders,
  providerFormSchema,
  updateProvider,
  type ProviderInput,
} from '../../../src/lib/server/providers/providers.ts';
import { createCoursesDir, type CoursesDir } from '../../helpers/course-package.ts';
import { addProvider, createPrison, FIXTURE_PROVIDER, MIGRATIONS_DIR, type Prison } from '../../helpers/fixture.ts';
import type { InstalledCourse } from '../../helpers/learning.ts';
import { addProgramme, auditRows, installCourse, NOW, programmeInput } from '../../helpers/placement.ts';

/** The register of education providers: admins keep it; programmes and documents name a provider from it. */

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let c1: InstalledCourse;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  c1 = installCourse(p.db, courses.dir, 'metinasana-pamati');
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const amatu: ProviderInput = {
  nameLv: 'Profesionālās izglītības centrs “Amatu skola”',
  nameEn: 'Vocational Education Centre “Amatu skola”',
  registrationNumber: '3330803101',
  address: 'Rūpniecības iela 12, Olaine, LV-2114',
  phone: '+371 67 962 100',
  email: 'uznemsana@amatuskola.example',
  active: true,
};
const form = (over: Record<string, string> = {}) => ({
  nameLv: amatu.nameLv,
  nameEn: amatu.nameEn,
  registrationNumber: '3330 803 101',
  address: amatu.address,
  phone: amatu.phone,
  email: amatu.email,
  active: '1',
  ...over,
});
const errorsOf = (values: Record<string, string>) => {
  const r = providerFormSchema.safeParse(values);
  return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
};

describe('the provider form', () => {
  test('reads a filled form: spaces in the registration number ignored, the active box', () => {
    expect(providerFormSchema.parse(form())).toEqual(amatu);
    const { active: _a, phone: _p, email: _e, ...rest } = form();
    expect(providerFormSchema.parse(rest)).toMatchObject({ active: false, phone: '', email: '' });
  });

  test('the registration number is ten digits; names and address are required; phone and e-mail must look right', () => {
    expect(errorsOf(form({ registrationNumber: '123' }))).toEqual({ registrationNumber: 'provider.registrationNumberFormat' });
    expect(errorsOf(form({ registrationNumber: '33308O3101' }))).toEqual({ registrationNumber: 'provider.registrationNumberFormat' });
    expect(errorsOf(form({ registrationNumber: '' }))).toEqual({ registrationNumber: 'provider.registrationNumberFormat' });
    expect(errorsOf(form({ nameLv: ' ', nameEn: '', address: '' }))).toEqual({ nameLv: 'validation.required', nameEn: 'validation.required', address: 'validation.required' });
    expect(errorsOf(form({ phone: 'call me', email: 'not-an-address' }))).toEqual({ phone: 'provider.phoneFormat', email: 'provider.emailFormat' });
    expect(errorsOf(form({ nameLv: 'x'.repeat(201) }))).toEqual({ nameLv: 'validation.tooLong' });
  });
});

describe('keeping the register', () => {
  test('an admin adds a provider; it is audited; only admins may', () => {
    const r = createProvider(p.db, p.admin.user, amatu, NOW);
    expect(r.ok && r.provider).toMatchObject({ nameLv: amatu.nameLv, registrationNumber: '3330803101', active: true, uses: 0 });
    expect(auditRows(p.db, 'provider.create')).toHaveLength(1);
    for (const who of [p.educationStaff, p.teacher, p.supervisor, p.learner]) {
      expect(createProvider(p.db, who.user, { ...amatu, nameLv: 'Cita skola', registrationNumber: '1111111111' }, NOW)).toEqual({ ok: false, code: 'auth.forbidden' });
    }
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('a name that reveals custody is refused, naming the field and the word; nothing is written', () => {
    expect(createProvider(p.db, p.admin.user, { ...amatu, nameLv: 'Ieslodzījuma vietu pārvalde' }, NOW)).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'nameLv',
      word: 'Ieslodzījuma vietu pārvalde',
    });
    expect(createProvider(p.db, p.admin.user, { ...amatu, nameEn: 'Prison Education Centre' }, NOW)).toMatchObject({ field: 'nameEn', word: 'Prison' });
    expect(createProvider(p.db, p.admin.user, { ...amatu, nameLv: 'Olaines cietuma skola' }, NOW)).toMatchObject({ field: 'nameLv', word: 'Olaines cietuma' });
    expect(auditRows(p.db, 'provider.create')).toEqual([]);
  });

  test('the name and the registration number are unique in the register', () => {
    createProvider(p.db, p.admin.user, amatu, NOW);
    expect(createProvider(p.db, p.admin.user, { ...amatu, nameLv: amatu.nameLv.toUpperCase(), registrationNumber: '1111111111' }, NOW)).toEqual({ ok: false, code: 'provider.nameTaken' });
    expect(createProvider(p.db, p.admin.user, { ...amatu, nameLv: 'Cita skola' }, NOW)).toEqual({ ok: false, code: 'provider.registrationNumberTaken' });
  });

  test('editing is audited with what changed; deactivating keeps it in the register but out of the choices', () => {
    const r = createProvider(p.db, p.admin.user, amatu, NOW);
    const id = r.ok ? r.provider.id : 0;
    const u = updateProvider(p.db, p.admin.user, id, { ...amatu, phone: '+371 67 000 000', active: false }, NOW);
    expect(u.ok && u.provider).toMatchObject({ phone: '+371 67 000 000', active: false });
    expect(auditRows(p.db, 'provider.update')[0]!.details).toEqual({ changed: { phone: { from: '+371 67 962 100', to: '+371 67 000 000' }, active: { from: true, to: false } } });
    expect(listActiveProviders(p.db).map((x) => x.id)).not.toContain(id);
    // …except for the programme or document that already names it.
    expect(listActiveProviders(p.db, id).map((x) => x.id)).toContain(id);
    expect(updateProvider(p.db, p.admin.user, 9999, amatu, NOW)).toEqual({ ok: false, code: 'provider.notFound' });
    expect(updateProvider(p.db, p.educationStaff.user, id, amatu, NOW)).toEqual({ ok: false, code: 'auth.forbidden' });
  });

  test('a provider nothing names can be deleted; one a programme names can only be deactivated', () => {
    const unused = addProvider(p.db, 'Kļūdaini ievadīta skola');
    expect(deleteProvider(p.db, p.admin.user, unused, NOW)).toEqual({ ok: true });
    expect(getProvider(p.db, unused)).toBeNull();
    addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id]));
    expect(getProvider(p.db, FIXTURE_PROVIDER.id)?.uses).toBe(1);
    expect(deleteProvider(p.db, p.admin.user, FIXTURE_PROVIDER.id, NOW)).toEqual({ ok: false, code: 'provider.inUse' });
    expect(deleteProvider(p.db, p.educationStaff.user, FIXTURE_PROVIDER.id, NOW)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(auditRows(p.db, 'provider.delete')).toHaveLength(1);
  });
});

describe('programmes name a provider from the register', () => {
  test('the programme stores the provider’s id and shows its official name', () => {
    const g = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id]));
    expect([g.providerId, g.provider]).toEqual([FIXTURE_PROVIDER.id, FIXTURE_PROVIDER.name]);
  });

  test('an unknown or deactivated provider is refused for a new choice; a programme keeps the one it names after deactivation', () => {
    const closed = addProvider(p.db, 'Slēgtā skola', { active: false });
    expect(createProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id], { providerId: 9999 }), NOW)).toEqual({ ok: false, code: 'provider.unknown' });
    expect(createProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id], { providerId: closed }), NOW)).toEqual({ ok: false, code: 'provider.unknown' });
    const g = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id]));
    stmt(p.db, 'UPDATE education_provider SET active = 0 WHERE id = ?').run(FIXTURE_PROVIDER.id);
    const kept = updateProgramme(p.db, p.educationStaff.user, g.id, programmeInput(p.facilityA.id, [c1.course.id], { seats: 11 }), NOW);
    expect(kept.ok && kept.programme.providerId).toBe(FIXTURE_PROVIDER.id);
    expect(updateProgramme(p.db, p.educationStaff.user, g.id, programmeInput(p.facilityA.id, [c1.course.id], { providerId: closed }), NOW)).toEqual({ ok: false, code: 'provider.unknown' });
  });

  test('a programme title that reveals custody is refused next to the title (it is printed on documents)', () => {
    expect(createProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id], { title: 'Metinātājs ieslodzītajiem' }), NOW)).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'title',
      word: 'ieslodzītajiem',
    });
    const g = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id]));
    expect(updateProgramme(p.db, p.admin.user, g.id, programmeInput(p.facilityA.id, [c1.course.id], { title: 'Сварщик (колония)' }), NOW)).toMatchObject({ field: 'title', word: 'колония' });
  });
});

describe('migration 0012', () => {
  test('turns the free-text providers of programmes into register rows to be completed, and links programmes and certificates to them', () => {
    // A database as it was before the register: migrations up to 0011, programmes with typed providers.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-migration-'));
    const before = path.join(dir, 'migrations');
    fs.mkdirSync(before);
    for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f < '0012')) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(before, f));
    const db = openDatabase(path.join(dir, 'tilts.db'));
    try {
      migrate(db, before);
      const at = '2026-01-01T00:00:00.000Z';
      db.prepare("INSERT INTO facility (code, name, created_at, updated_at) VALUES ('OLA', 'Olaines cietums', ?, ?)").run(at, at);
      const insert = db.prepare(
        `INSERT INTO programme (facility_id, title, description, starts_on, ends_on, seats, language, interests_json, timetable_json, status, provider, created_at, updated_at)
         VALUES (1, ?, '', '2026-01-01', '2026-06-30', 10, 'lv', '[]', '[]', 'open', ?, ?, ?)`,
      );
      insert.run('A', ' Rīgas Valsts tehnikums ', at, at);
      insert.run('B', 'Rīgas Valsts tehnikums', at, at);
      insert.run('C', 'Pieaugušo izglītības centrs “Valoda”', at, at);
      insert.run('D', null, at, at);
      migrate(db, MIGRATIONS_DIR);
      expect(db.prepare('SELECT name_lv, name_en, registration_number, active FROM education_provider ORDER BY name_lv').all()).toEqual([
        { name_lv: 'Pieaugušo izglītības centrs “Valoda”', name_en: 'Pieaugušo izglītības centrs “Valoda”', registration_number: null, active: 1 },
        { name_lv: 'Rīgas Valsts tehnikums', name_en: 'Rīgas Valsts tehnikums', registration_number: null, active: 1 },
      ]);
      expect(db.prepare('SELECT p.title, e.name_lv FROM programme p LEFT JOIN education_provider e ON e.id = p.provider_id ORDER BY p.title').all()).toEqual([
        { title: 'A', name_lv: 'Rīgas Valsts tehnikums' },
        { title: 'B', name_lv: 'Rīgas Valsts tehnikums' },
        { title: 'C', name_lv: 'Pieaugušo izglītības centrs “Valoda”' },
        { title: 'D', name_lv: null },
      ]);
      // The free-text column is gone: nothing can write a typed provider any more.
      expect((db.prepare('PRAGMA table_info(programme)').all() as Array<{ name: string }>).map((c) => c.name)).not.toContain('provider');
      expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
