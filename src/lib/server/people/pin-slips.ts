import { stmt, type Db } from '../db.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import type { Locale } from '../../shared/domain.ts';
import { resetLearnerPin } from './learners.ts';

/**
 * PINs for many learners at once (after a roster import): one slip per
 * learner, in the learner's language, for staff to print, cut and hand over.
 * Each PIN is issued by resetLearnerPin (hashed, sessions ended, audited per
 * learner). A second click must not silently replace PINs already handed
 * over: learners who have one are skipped unless staff ask to replace them.
 */

/** At most this many learners per batch (a roster import of one prison is far smaller). */
export const MAX_PIN_BATCH = 500;

/** A learner as the batch page lists them: whether they have a PIN yet. */
export interface PinHolder {
  learnerId: number;
  inmateNumber: string;
  surname: string;
  givenNames: string;
  facilityName: string;
  locale: Locale;
  /** When their current PIN was issued; null: none yet. */
  pinIssuedAt: string | null;
}

/** What is printed on one slip. */
export interface PinSlip {
  learnerId: number;
  name: string;
  inmateNumber: string;
  pin: string;
  facilityName: string;
  /** The learner's preferred language: the slip is written in it. */
  locale: Locale;
}

export type PinBatchError = 'auth.forbidden' | 'learner.notFound' | 'pins.empty' | 'pins.tooMany' | 'pins.notInCustody';
export type PinBatchResult = { ok: true; slips: PinSlip[]; skipped: PinHolder[] } | { ok: false; code: PinBatchError };

interface HolderRow {
  id: number;
  inmate_number: string;
  surname: string;
  given_names: string;
  facility_id: number;
  facility_name: string;
  preferred_locale: Locale;
  status: string;
  pin_issued_at: string | null;
}

function holderRows(db: Db, learnerIds: readonly number[]): HolderRow[] {
  return stmt(
    db,
    `SELECT l.id, l.inmate_number, l.surname, l.given_names, u.facility_id, f.name AS facility_name, u.preferred_locale, l.status, l.pin_issued_at
     FROM learner l JOIN user u ON u.id = l.user_id JOIN facility f ON f.id = u.facility_id
     WHERE l.id IN (SELECT value FROM json_each(?)) ORDER BY l.surname, l.given_names, l.id`,
  ).all(JSON.stringify(learnerIds)) as HolderRow[];
}

const toHolder = (r: HolderRow): PinHolder => ({
  learnerId: r.id,
  inmateNumber: r.inmate_number,
  surname: r.surname,
  givenNames: r.given_names,
  facilityName: r.facility_name,
  locale: r.preferred_locale,
  pinIssuedAt: r.pin_issued_at,
});

/**
 * The learners of a batch, if the actor may issue PINs to every one of them
 * (one learner of another prison, or an unknown id, refuses the whole batch:
 * the ids come from a form and may be crafted).
 */
export function listPinHolders(db: Db, actor: SessionUser, learnerIds: readonly number[]): { ok: true; holders: PinHolder[] } | { ok: false; code: PinBatchError } {
  const ids = [...new Set(learnerIds)];
  if (ids.length === 0) return { ok: false, code: 'pins.empty' };
  if (ids.length > MAX_PIN_BATCH) return { ok: false, code: 'pins.tooMany' };
  const rows = holderRows(db, ids);
  // Not found and not allowed look the same to the actor.
  if (rows.length !== ids.length || rows.some((r) => !can(actor, 'learners:view', { facilityId: r.facility_id }))) return { ok: false, code: 'learner.notFound' };
  if (rows.some((r) => !can(actor, 'learners:resetPin', { facilityId: r.facility_id }))) return { ok: false, code: 'auth.forbidden' };
  if (rows.some((r) => r.status !== 'in_custody')) return { ok: false, code: 'pins.notInCustody' };
  return { ok: true, holders: rows.map(toHolder) };
}

/**
 * Issues PINs to the learners of the batch who have none yet (`replace`:
 * to every learner of the batch, replacing PINs already handed over) and
 * returns their slips, in name order. Nothing is written unless the actor
 * may issue PINs to every learner of the batch.
 */
export async function issuePins(db: Db, actor: SessionUser, learnerIds: readonly number[], options: { replace?: boolean } = {}): Promise<PinBatchResult> {
  const listed = listPinHolders(db, actor, learnerIds);
  if (!listed.ok) return listed;
  const skipped = options.replace ? [] : listed.holders.filter((h) => h.pinIssuedAt !== null);
  const slips: PinSlip[] = [];
  for (const holder of listed.holders) {
    if (skipped.includes(holder)) continue;
    const issued = await resetLearnerPin(db, actor, holder.learnerId, { via: 'slips' });
    // Checked above for the whole batch; a refusal now means the record changed meanwhile.
    if (!issued.ok) continue;
    slips.push({
      learnerId: holder.learnerId,
      name: `${holder.givenNames} ${holder.surname}`,
      inmateNumber: holder.inmateNumber,
      pin: issued.pin,
      facilityName: holder.facilityName,
      locale: holder.locale,
    });
  }
  return { ok: true, slips, skipped };
}
