import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can, facilitiesFor, type Actor, type Capability } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from './users.ts';

export interface Facility {
  id: number;
  code: string;
  name: string;
  active: boolean;
}

interface FacilityRow {
  id: number;
  code: string;
  name: string;
  active: number;
}

const toFacility = (r: FacilityRow): Facility => ({ id: r.id, code: r.code, name: r.name, active: r.active === 1 });

export function listFacilities(db: Db): Facility[] {
  return (stmt(db, 'SELECT id, code, name, active FROM facility ORDER BY name').all() as FacilityRow[]).map(toFacility);
}

export function getFacility(db: Db, id: number): Facility | null {
  const row = stmt(db, 'SELECT id, code, name, active FROM facility WHERE id = ?').get(id) as FacilityRow | undefined;
  return row ? toFacility(row) : null;
}

export function getFacilityByCode(db: Db, code: string): Facility | null {
  const row = stmt(db, 'SELECT id, code, name, active FROM facility WHERE code = ?').get(code.toUpperCase()) as
    | FacilityRow
    | undefined;
  return row ? toFacility(row) : null;
}

export type FacilityResult = { ok: true; facility: Facility } | { ok: false; code: 'auth.forbidden' | 'facility.codeTaken' | 'facility.notFound' };

/** Adds a prison (administrators only: 'facilities:manage'). */
export function createFacility(db: Db, actor: SessionUser, input: { code: string; name: string }): FacilityResult {
  if (!can(actor, 'facilities:manage')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): FacilityResult => {
      if (getFacilityByCode(db, input.code)) return { ok: false, code: 'facility.codeTaken' };
      const now = new Date().toISOString();
      const id = Number(
        stmt(db, 'INSERT INTO facility (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(input.code, input.name, now, now)
          .lastInsertRowid,
      );
      appendAudit(db, { actor: auditActor(actor), action: 'facility.create', targetType: 'facility', targetId: id, facilityId: id, details: input });
      return { ok: true, facility: getFacility(db, id)! };
    })
    .immediate();
}

/** Renames a prison, changes its code or switches it off (administrators only). */
export function updateFacility(
  db: Db,
  actor: SessionUser,
  id: number,
  input: { code: string; name: string; active: boolean },
): FacilityResult {
  if (!can(actor, 'facilities:manage')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): FacilityResult => {
      const before = getFacility(db, id);
      if (!before) return { ok: false, code: 'facility.notFound' };
      const clash = getFacilityByCode(db, input.code);
      if (clash && clash.id !== id) return { ok: false, code: 'facility.codeTaken' };
      stmt(db, 'UPDATE facility SET code = ?, name = ?, active = ?, updated_at = ? WHERE id = ?').run(
        input.code,
        input.name,
        input.active ? 1 : 0,
        new Date().toISOString(),
        id,
      );
      appendAudit(db, { actor: auditActor(actor), action: 'facility.update', targetType: 'facility', targetId: id, facilityId: id, details: { before, after: input } });
      return { ok: true, facility: getFacility(db, id)! };
    })
    .immediate();
}

/** The active facilities where `actor` holds `capability` (for choices in forms and filters). */
export function listFacilitiesFor(db: Db, actor: Actor, capability: Capability): Facility[] {
  const scope = facilitiesFor(actor, capability);
  return listFacilities(db).filter((f) => f.active && (scope === 'all' || scope.includes(f.id)));
}
