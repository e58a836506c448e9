import { z } from 'zod';
import { dateSchema } from '../../shared/schemas.ts';
import { inTransaction, stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { availability, type Availability, type Slot, type Timetable } from './timetable.ts';

/**
 * A facility's learning hours in the database: weekly slots and holidays
 * (rules in timetable.ts). Read on every learner sign-in, never cached, so a
 * change applies at once.
 */

export interface Holiday {
  date: string;
  note: string;
}

export function loadTimetable(db: Db, facilityId: number): Timetable & { holidayList: Holiday[] } {
  const slots = (stmt(db, 'SELECT weekday, starts_at, ends_at FROM learning_slot WHERE facility_id = ? ORDER BY weekday, starts_at').all(facilityId) as Array<{ weekday: number; starts_at: string; ends_at: string }>).map(
    (r): Slot => ({ weekday: r.weekday, startsAt: r.starts_at, endsAt: r.ends_at }),
  );
  const holidayList = stmt(db, 'SELECT date, note FROM learning_holiday WHERE facility_id = ? ORDER BY date').all(facilityId) as Holiday[];
  return { slots, holidays: new Set(holidayList.map((h) => h.date)), holidayList };
}

/** Open now (and until when) or closed (and when it opens next) for a facility. */
export function facilityAvailability(db: Db, facilityId: number, now = Date.now()): Availability {
  return availability(loadTimetable(db, facilityId), now);
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'timetable.timeFormat' });
const end = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: 'timetable.timeFormat' });

/** One weekly slot as the timetable form sends it. */
export const slotSchema = z
  .object({
    /** 1 Monday .. 7 Sunday. */
    weekday: z.coerce.number().int().min(1).max(7),
    /** 'HH:MM' Riga time. */
    startsAt: hhmm,
    /** 'HH:MM', later than the start; '24:00' for midnight. */
    endsAt: end,
  })
  .refine((s) => s.startsAt < s.endsAt, { path: ['endsAt'], error: 'timetable.slotOrder' });

/** A holiday as the form sends it. */
export const holidaySchema = z.object({
  /** 'YYYY-MM-DD', a real calendar day (30 February is refused). */
  date: dateSchema,
  /** What the day is, e.g. 'Jāņi'. */
  note: z.string().trim().max(120, { error: 'validation.tooLong' }).default(''),
});

type Result = { ok: true } | { ok: false; code: 'auth.forbidden' };

function audit(db: Db, actor: SessionUser, facilityId: number, action: string, details: Record<string, unknown>, ip: string | null): void {
  appendAudit(db, { actor: auditActor(actor), action, targetType: 'facility', targetId: facilityId, facilityId, ip, details });
}

export function addSlot(db: Db, actor: SessionUser, facilityId: number, slot: z.output<typeof slotSchema>, ip: string | null = null): Result {
  if (!can(actor, 'timetable:manage', { facilityId })) return { ok: false, code: 'auth.forbidden' };
  inTransaction(db, () => {
    stmt(db, 'INSERT INTO learning_slot (facility_id, weekday, starts_at, ends_at) VALUES (?, ?, ?, ?)').run(facilityId, slot.weekday, slot.startsAt, slot.endsAt);
    audit(db, actor, facilityId, 'timetable.slotAdd', slot, ip);
  });
  return { ok: true };
}

export function removeSlot(db: Db, actor: SessionUser, facilityId: number, slotId: number, ip: string | null = null): Result {
  if (!can(actor, 'timetable:manage', { facilityId })) return { ok: false, code: 'auth.forbidden' };
  inTransaction(db, () => {
    const gone = stmt(db, 'DELETE FROM learning_slot WHERE id = ? AND facility_id = ? RETURNING weekday, starts_at, ends_at').get(slotId, facilityId);
    if (gone) audit(db, actor, facilityId, 'timetable.slotRemove', gone as Record<string, unknown>, ip);
  });
  return { ok: true };
}

export function listSlots(db: Db, facilityId: number): Array<Slot & { id: number }> {
  return (stmt(db, 'SELECT id, weekday, starts_at, ends_at FROM learning_slot WHERE facility_id = ? ORDER BY weekday, starts_at').all(facilityId) as Array<{ id: number; weekday: number; starts_at: string; ends_at: string }>).map((r) => ({
    id: r.id,
    weekday: r.weekday,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
  }));
}

export function setHoliday(db: Db, actor: SessionUser, facilityId: number, holiday: z.output<typeof holidaySchema>, ip: string | null = null): Result {
  if (!can(actor, 'timetable:manage', { facilityId })) return { ok: false, code: 'auth.forbidden' };
  inTransaction(db, () => {
    stmt(db, 'INSERT INTO learning_holiday (facility_id, date, note) VALUES (?, ?, ?) ON CONFLICT (facility_id, date) DO UPDATE SET note = excluded.note').run(facilityId, holiday.date, holiday.note);
    audit(db, actor, facilityId, 'timetable.holidaySet', holiday, ip);
  });
  return { ok: true };
}

export function removeHoliday(db: Db, actor: SessionUser, facilityId: number, date: string, ip: string | null = null): Result {
  if (!can(actor, 'timetable:manage', { facilityId })) return { ok: false, code: 'auth.forbidden' };
  inTransaction(db, () => {
    if (stmt(db, 'DELETE FROM learning_holiday WHERE facility_id = ? AND date = ?').run(facilityId, date).changes) audit(db, actor, facilityId, 'timetable.holidayRemove', { date }, ip);
  });
  return { ok: true };
}

/** Replaces a facility's weekly slots (seed and test setup; no actor, no audit). */
export function replaceSlots(db: Db, facilityId: number, slots: readonly Slot[]): void {
  inTransaction(db, () => {
    stmt(db, 'DELETE FROM learning_slot WHERE facility_id = ?').run(facilityId);
    for (const s of slots) stmt(db, 'INSERT INTO learning_slot (facility_id, weekday, starts_at, ends_at) VALUES (?, ?, ?, ?)').run(facilityId, s.weekday, s.startsAt, s.endsAt);
  });
}
