import { z } from 'zod';
import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { INTERESTS, parseInterests, type Interest } from './interests.ts';
import { dateSchema } from '../../shared/schemas.ts';
import { LATVIAN_LEVELS, type LatvianLevel } from '../../shared/domain.ts';

/** Today's date in Riga (YYYY-MM-DD); built once, as formatters are costly to build. */
const RIGA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Riga', year: 'numeric', month: '2-digit', day: '2-digit' });
import type { MessageKey } from '../../i18n/index.ts';

/**
 * Career consultations: what the learner has done and wants to do, what they
 * can and cannot do, and the directions recommended to them (NVA practice:
 * interests, abilities, skills, experience). The consultation before release
 * is a separate kind with a checklist (documents, NVA registration, housing,
 * contacts).
 *
 * Consultations are history: there is no edit and no delete; a correction is
 * a new record (with the correction in its notes). The record stays with the
 * learner through transfers: whoever may record consultations for the learner
 * where they are now sees every consultation, wherever it was held.
 *
 * Consultations are recorded by education staff (and admins) and by State
 * Employment Agency (NVA) consultants (role 'consultant'), each for the
 * learners of the prisons their capability covers.
 */

export const CONSULTATION_KINDS = ['career', 'pre_release'] as const;
export type ConsultationKind = (typeof CONSULTATION_KINDS)[number];

export const CONSULTATION_MODES = ['in_person', 'online'] as const;
export type ConsultationMode = (typeof CONSULTATION_MODES)[number];

/** What a person needs on the day of release; each item done or not yet. */
export const CHECKLIST_ITEMS = ['documents', 'nvaRegistration', 'housing', 'contacts'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];
export type PreReleaseChecklist = Record<ChecklistItem, boolean>;

/** Length limits of the free-text fields (characters). */
export const TEXT_LIMITS = {
  educationHistory: 2000,
  workHistory: 2000,
  strengths: 1000,
  constraints: 1000,
  goalAfterRelease: 1000,
  notes: 4000,
} as const;
export type ConsultationTextField = keyof typeof TEXT_LIMITS;
export const TEXT_FIELDS = Object.keys(TEXT_LIMITS) as ConsultationTextField[];

/** The calendar date in Riga (where every prison is) at `now`, as YYYY-MM-DD. */
export function rigaDate(now: Date): string {
  return RIGA_DAY.format(now);
}

const text = (max: number) => z.string().trim().max(max, { error: 'validation.tooLong' }).default('');
const interestList = z
  .array(z.enum(INTERESTS, { error: 'consultation.unknownInterest' }))
  .max(INTERESTS.length)
  .default([])
  .transform((list) => [...new Set(list)]);

/**
 * One consultation as staff record it. `now` decides what "the future" is
 * (the date in Riga). Error messages are message keys.
 */
export function consultationSchema(now = new Date()) {
  const today = rigaDate(now);
  return z
    .object({
      /** 'career' (before a programme, or any time) or 'pre_release' (the one before release, with the checklist). */
      kind: z.enum(CONSULTATION_KINDS, { error: 'validation.choose' }),
      /** The day it was held, YYYY-MM-DD; today or earlier. */
      heldOn: z
        .string({ error: 'validation.required' })
        .trim()
        .min(1, { error: 'validation.required' })
        .pipe(dateSchema)
        .refine((d) => d <= today, { error: 'consultation.heldOnFuture' }),
      /** In person or online (e.g. an NVA consultant by video). */
      mode: z.enum(CONSULTATION_MODES, { error: 'validation.choose' }),
      /** Schools, courses, qualifications, in the learner's words. */
      educationHistory: text(TEXT_LIMITS.educationHistory),
      /** Jobs and work experience, inside and outside. */
      workHistory: text(TEXT_LIMITS.workHistory),
      /** Occupational interests: codes of INTERESTS. */
      interests: interestList,
      /** Abilities and skills. */
      strengths: text(TEXT_LIMITS.strengths),
      /** Health, time left, language, anything that limits the choice. */
      constraints: text(TEXT_LIMITS.constraints),
      /** The Latvian level as assessed at the consultation; null: not assessed. */
      latvianLevel: z.enum(LATVIAN_LEVELS, { error: 'validation.choose' }).nullable().default(null),
      /** What the learner wants to do after release. */
      goalAfterRelease: text(TEXT_LIMITS.goalAfterRelease),
      /** Recommended directions: codes of INTERESTS (placement gives them priority). */
      recommended: interestList,
      /** Anything else, e.g. the name of the NVA consultant, or what this record corrects. */
      notes: text(TEXT_LIMITS.notes),
      /** The next consultation, after `heldOn`; null: none planned. */
      nextOn: dateSchema.nullable().default(null),
      /** Only for 'pre_release' (required there): what is ready for the day of release. */
      checklist: z
        .object({ documents: z.boolean(), nvaRegistration: z.boolean(), housing: z.boolean(), contacts: z.boolean() })
        .strict()
        .nullable()
        .default(null),
    })
    .superRefine((v, ctx) => {
      if (v.nextOn !== null && v.nextOn <= v.heldOn) ctx.addIssue({ code: 'custom', path: ['nextOn'], message: 'consultation.nextOnNotAfter' });
      if (v.kind === 'career' && v.checklist !== null) ctx.addIssue({ code: 'custom', path: ['checklist'], message: 'consultation.checklistOnlyPreRelease' });
      if (v.kind === 'pre_release' && v.checklist === null) ctx.addIssue({ code: 'custom', path: ['checklist'], message: 'validation.required' });
    });
}
export type ConsultationInput = z.output<ReturnType<typeof consultationSchema>>;

/** The name of the checkbox for an interest (`interests.welding`) or a recommended direction in the form. */
export const interestField = (list: 'interests' | 'recommended', code: Interest) => `${list}.${code}`;
export const checklistField = (item: ChecklistItem) => `checklist.${item}`;

/**
 * The consultation form (flat strings, checkboxes present when ticked) read
 * into the input of `consultationSchema`. The checklist counts only for the
 * consultation before release (the form shows it always, for browsers
 * without scripts).
 */
export function consultationFormSchema(now = new Date()) {
  return z.preprocess((raw) => {
    const form = (raw ?? {}) as Record<string, string>;
    const ticked = (list: 'interests' | 'recommended') => INTERESTS.filter((c) => form[interestField(list, c)] !== undefined);
    const optional = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v);
    return {
      kind: form.kind,
      heldOn: form.heldOn,
      mode: form.mode,
      ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, form[f] ?? ''])),
      interests: ticked('interests'),
      recommended: ticked('recommended'),
      latvianLevel: optional(form.latvianLevel),
      nextOn: optional(form.nextOn),
      checklist:
        form.kind === 'pre_release' ? Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, form[checklistField(i)] !== undefined])) : null,
    };
  }, consultationSchema(now));
}

/** A recorded consultation. */
export interface Consultation {
  id: number;
  learnerId: number;
  /** Where the learner was when it was held. */
  facilityId: number;
  facilityName: string;
  kind: ConsultationKind;
  heldOn: string;
  mode: ConsultationMode;
  /** Who recorded it (education staff or admin); null if that account is gone. */
  consultantId: number | null;
  consultantName: string | null;
  educationHistory: string;
  workHistory: string;
  interests: Interest[];
  strengths: string;
  constraints: string;
  latvianLevel: LatvianLevel | null;
  goalAfterRelease: string;
  recommended: Interest[];
  notes: string;
  nextOn: string | null;
  checklist: PreReleaseChecklist | null;
  createdAt: string;
}

interface Row {
  id: number;
  learner_id: number;
  facility_id: number;
  facility_name: string;
  kind: ConsultationKind;
  held_on: string;
  mode: ConsultationMode;
  consultant_id: number | null;
  consultant_name: string | null;
  education_history: string;
  work_history: string;
  interests_json: string;
  strengths: string;
  constraints: string;
  latvian_level: LatvianLevel | null;
  goal_after_release: string;
  recommended_json: string;
  notes: string;
  next_on: string | null;
  checklist_json: string | null;
  created_at: string;
}

const SELECT = `SELECT c.id, c.learner_id, c.facility_id, f.name AS facility_name, c.kind, c.held_on, c.mode, c.consultant_id,
    u.display_name AS consultant_name, c.education_history, c.work_history, c.interests_json, c.strengths, c.constraints,
    c.latvian_level, c.goal_after_release, c.recommended_json, c.notes, c.next_on, c.checklist_json, c.created_at
  FROM consultation c JOIN facility f ON f.id = c.facility_id LEFT JOIN user u ON u.id = c.consultant_id`;
// Newest first: by the day held, then by the order recorded.
const NEWEST_FIRST = 'ORDER BY c.held_on DESC, c.id DESC';

function parseChecklist(json: string | null): PreReleaseChecklist | null {
  if (json === null) return null;
  const stored = JSON.parse(json) as Partial<Record<ChecklistItem, unknown>>;
  return Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, stored[i] === true])) as PreReleaseChecklist;
}

const toConsultation = (r: Row): Consultation => ({
  id: r.id,
  learnerId: r.learner_id,
  facilityId: r.facility_id,
  facilityName: r.facility_name,
  kind: r.kind,
  heldOn: r.held_on,
  mode: r.mode,
  consultantId: r.consultant_id,
  consultantName: r.consultant_name,
  educationHistory: r.education_history,
  workHistory: r.work_history,
  interests: parseInterests(r.interests_json),
  strengths: r.strengths,
  constraints: r.constraints,
  latvianLevel: r.latvian_level,
  goalAfterRelease: r.goal_after_release,
  recommended: parseInterests(r.recommended_json),
  notes: r.notes,
  nextOn: r.next_on,
  checklist: parseChecklist(r.checklist_json),
  createdAt: r.created_at,
});

/** Where the learner is now, and whether they are still in custody. */
function learnerNow(db: Db, learnerId: number) {
  return stmt(db, 'SELECT l.id, l.inmate_number, l.status, u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?').get(
    learnerId,
  ) as { id: number; inmate_number: string; status: string; facility_id: number | null } | undefined;
}

/** May the actor record and read consultations of this learner, where the learner is now? */
function mayConsult(actor: SessionUser, facilityId: number | null): boolean {
  return facilityId !== null && can(actor, 'consultations:record', { facilityId });
}

/** Field name → message key. */
export type ConsultationFieldErrors = Partial<Record<string, MessageKey>>;

export type ConsultationResult =
  | { ok: true; consultation: Consultation }
  | { ok: false; code: 'learner.notFound' | 'auth.forbidden' | 'consultation.notInCustody' }
  | { ok: false; code: 'consultation.invalid'; errors: ConsultationFieldErrors };

/**
 * Records a consultation for a learner in custody, at the learner's current
 * facility, with the actor as the consultant; audited as
 * 'consultation.record'. The input is checked again against `now` (a form
 * left open past midnight must not record a date in the future).
 */
export function recordConsultation(db: Db, actor: SessionUser, learnerId: number, input: ConsultationInput, now = new Date()): ConsultationResult {
  return db.transaction((): ConsultationResult => {
    const learner = learnerNow(db, learnerId);
    if (!learner) return { ok: false, code: 'learner.notFound' };
    if (!mayConsult(actor, learner.facility_id)) return { ok: false, code: 'auth.forbidden' };
    if (learner.status !== 'in_custody') return { ok: false, code: 'consultation.notInCustody' };
    const parsed = consultationSchema(now).safeParse(input);
    if (!parsed.success) {
      const errors: ConsultationFieldErrors = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message as MessageKey;
      return { ok: false, code: 'consultation.invalid', errors };
    }
    const c = parsed.data;
    const at = now.toISOString();
    const id = Number(
      stmt(
        db,
        `INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, consultant_id, education_history, work_history,
           interests_json, strengths, constraints, latvian_level, goal_after_release, recommended_json, notes, next_on, checklist_json,
           created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        learnerId,
        learner.facility_id,
        c.kind,
        c.heldOn,
        c.mode,
        actor.id,
        c.educationHistory,
        c.workHistory,
        JSON.stringify(c.interests),
        c.strengths,
        c.constraints,
        c.latvianLevel,
        c.goalAfterRelease,
        JSON.stringify(c.recommended),
        c.notes,
        c.nextOn,
        c.checklist ? JSON.stringify(c.checklist) : null,
        actor.id,
        at,
      ).lastInsertRowid,
    );
    // The audit entry names the record, not its contents (those are personal and stay in the record).
    appendAudit(
      db,
      {
        actor: auditActor(actor),
        action: 'consultation.record',
        targetType: 'learner',
        targetId: learnerId,
        facilityId: learner.facility_id,
        details: { consultationId: id, inmateNumber: learner.inmate_number, kind: c.kind, heldOn: c.heldOn },
      },
      now,
    );
    return { ok: true, consultation: consultationById(db, id)! };
  })();
}

function consultationById(db: Db, id: number): Consultation | null {
  const row = stmt(db, `${SELECT} WHERE c.id = ?`).get(id) as Row | undefined;
  return row ? toConsultation(row) : null;
}

/**
 * Every consultation of the learner, newest first, wherever it was held; null
 * when the actor may not consult this learner where they are now (or there
 * is no such learner).
 */
export function listConsultations(db: Db, actor: SessionUser, learnerId: number): Consultation[] | null {
  const learner = learnerNow(db, learnerId);
  if (!learner || !mayConsult(actor, learner.facility_id)) return null;
  return (stmt(db, `${SELECT} WHERE c.learner_id = ? ${NEWEST_FIRST}`).all(learnerId) as Row[]).map(toConsultation);
}

/** One consultation, if the actor may consult its learner where the learner is now; otherwise null. */
export function getConsultation(db: Db, actor: SessionUser, consultationId: number): Consultation | null {
  const consultation = consultationById(db, consultationId);
  if (!consultation) return null;
  const learner = learnerNow(db, consultation.learnerId);
  return learner && mayConsult(actor, learner.facility_id) ? consultation : null;
}

/** The learner's latest career consultation (not the one before release), for placement; no access check. */
export function latestCareerConsultation(db: Db, learnerId: number): Consultation | null {
  const row = stmt(db, `${SELECT} WHERE c.learner_id = ? AND c.kind = 'career' ${NEWEST_FIRST} LIMIT 1`).get(learnerId) as Row | undefined;
  return row ? toConsultation(row) : null;
}

/**
 * When the next consultation is due: the date the newest consultation set
 * (an older plan was overtaken by the newer meeting), and whether it has
 * passed `today` (YYYY-MM-DD). Null when none is planned.
 */
export function nextConsultationDue(history: readonly Consultation[], today: string): { on: string; overdue: boolean } | null {
  const newest = history[0];
  if (!newest?.nextOn) return null;
  return { on: newest.nextOn, overdue: newest.nextOn < today };
}
