import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit } from '../../../src/lib/server/audit.ts';
import {
  createFacility,
  getFacilityByCode,
  listFacilities,
  listFacilitiesFor,
  updateFacility,
} from '../../../src/lib/server/people/facilities.ts';
import { createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

describe('facilities', () => {
  test('admin adds a prison; it is audited and found by its code in any case', () => {
    const r = createFacility(p.db, p.admin.user, { code: 'JEL', name: 'Jelgavas cietums' });
    expect(r).toMatchObject({ ok: true, facility: { code: 'JEL', name: 'Jelgavas cietums', active: true } });
    expect(getFacilityByCode(p.db, 'jel')?.name).toBe('Jelgavas cietums');
    expect(listAudit(p.db, {}).entries[0]).toMatchObject({ action: 'facility.create', actorUserId: p.admin.user.id, details: { code: 'JEL' } });
  });

  test('a code already in use is refused, on creation and on renaming', () => {
    expect(createFacility(p.db, p.admin.user, { code: 'OLA', name: 'X' })).toEqual({ ok: false, code: 'facility.codeTaken' });
    expect(updateFacility(p.db, p.admin.user, p.facilityB.id, { code: 'OLA', name: 'X', active: true })).toEqual({
      ok: false,
      code: 'facility.codeTaken',
    });
    expect(updateFacility(p.db, p.admin.user, 999, { code: 'ZZ', name: 'X', active: true })).toEqual({ ok: false, code: 'facility.notFound' });
  });

  test('only an administrator adds or changes a prison, even when a page forgets to check', () => {
    expect(createFacility(p.db, p.educationStaff.user, { code: 'JEL', name: 'Jelgavas cietums' })).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(updateFacility(p.db, p.educationStaff.user, p.facilityA.id, { code: 'OLA', name: 'Renamed', active: false })).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(getFacilityByCode(p.db, 'OLA')).toMatchObject({ name: p.facilityA.name, active: true });
    expect(listAudit(p.db, {}).entries).toHaveLength(0);
  });

  test('closing a prison is audited with before and after, and it leaves the form choices', () => {
    const r = updateFacility(p.db, p.admin.user, p.facilityB.id, { code: 'ILG', name: 'Iļģuciema cietums', active: false });
    expect(r).toMatchObject({ ok: true, facility: { active: false } });
    expect(listAudit(p.db, {}).entries[0]).toMatchObject({ action: 'facility.update', details: { before: { active: true }, after: { active: false } } });
    expect(listFacilitiesFor(p.db, p.admin.user, 'learners:edit').map((f) => f.code)).toEqual(['OLA']);
    expect(listFacilities(p.db)).toHaveLength(2);
  });

  test('form choices offer staff their own and granted prisons only', () => {
    expect(listFacilitiesFor(p.db, p.educationStaff.user, 'learners:edit').map((f) => f.code)).toEqual(['OLA']);
    const granted = grantFacility(p.db, p.educationStaff, p.facilityB.id);
    expect(listFacilitiesFor(p.db, granted, 'learners:edit').map((f) => f.code).sort()).toEqual(['ILG', 'OLA']);
    expect(listFacilitiesFor(p.db, p.teacher.user, 'learners:edit')).toEqual([]);
  });
});
