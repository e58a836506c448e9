import { z } from 'zod';
import { defineAction } from './runner.ts';
import type { Learner } from '../lib/server/people/learners.ts';
import type { Programme } from '../lib/server/placement/programmes.ts';
import { createProgramme, updateProgramme } from '../lib/server/placement/programme-edit.ts';
import { readProgrammeForm } from '../lib/server/placement/programme-form.ts';
import { endPlacementByStaff, getPlacement, placeLearner } from '../lib/server/placement/placements.ts';
import { consultationFormSchema, recordConsultation } from '../lib/server/placement/consultations.ts';
import { issueActivationCode } from '../lib/server/portal/activation.ts';
import { activationIssueSchema } from '../lib/shared/portal-schemas.ts';
import { activationSheetFor, activationSheetPdf } from '../lib/server/portal/activation-sheet.ts';

/** Career consultation, placement, programmes and portal access (the education staff's learner flow). */

/** The programme a row's button places the learner in. */
const programmeId = z.coerce.number().int().positive();

/** The ranked programmes of one learner: enrol, or put on the waiting list. */
export function placementActions(learner: Learner) {
  const place = (mode: 'enrol' | 'waitlist') =>
    defineAction({
      input: z.object({
        programmeId,
        /** '1': set the overridable rules aside (the domain checks which, and the reason). */
        override: z.literal('1').optional(),
        /** Why the rules are set aside (audited; the domain checks its length). */
        overrideReason: z.string().max(2000).default(''),
      }),
      invalid: 'validation.badForm',
      done: mode === 'enrol' ? 'placement.enrolled' : 'placement.waitlisted',
      run: (input, { db, user, config }) =>
        placeLearner(db, user, learner.id, input.programmeId, mode, {
          consultationMonths: config.consultationMonths,
          override: input.override ? { reason: input.overrideReason } : undefined,
        }),
    });
  return { enrol: place('enrol'), waitlist: place('waitlist') };
}

/**
 * The programme form (new and edit): its course and teacher rows are
 * numbered fields, read by the programme form's own reader.
 */
function programmeForm<R extends { ok: true } | { ok: false; code: string }>(save: (input: Extract<ReturnType<typeof readProgrammeForm>, { ok: true }>['input'], ctx: Parameters<Parameters<typeof defineAction>[0]['run']>[1]) => R) {
  return defineAction({
    input: z.instanceof(FormData),
    raw: true,
    // A custody word names its field itself.
    fields: { 'programme.unknownCourse': 'course0', 'programme.seatsBelowEnrolled': 'seats', 'provider.unknown': 'providerId' },
    run: (form, ctx) => {
      const read = readProgrammeForm(form);
      if (!read.ok) return { ok: false as const, code: 'validation.invalid', fieldErrors: read.errors, values: read.values };
      const result = save(read.input, ctx);
      // Refused: the form shows again as typed (its numbered rows included).
      return result.ok ? result : { ...result, values: read.values };
    },
  });
}

/** A new programme: a course (or several) offered at a prison. */
export const newProgramme = {
  ...programmeForm((input, { db, user }) => createProgramme(db, user, input)),
  fields: { 'programme.unknownCourse': 'course0', 'provider.unknown': 'providerId', 'auth.forbidden': 'facilityId' },
  redirect: (result: { programme: Programme }) => `/staff/programmes/${result.programme.id}?created=1`,
};

/** One programme's page: its settings, and its roster's and waiting list's buttons. */
export function programmeActions(programme: Programme) {
  const row = (intent: 'enrol' | 'withdrawn' | 'failed') =>
    defineAction({
      input: z.object({
        /** The placement (a row of the roster or the waiting list). */
        placementId: z.coerce.number().int().positive(),
        /** Why it ended (withdrawn or failed), kept in the learner's history. */
        reason: z.string().trim().max(500, { error: 'validation.tooLong' }).default(''),
      }),
      invalid: 'validation.badForm',
      done: intent === 'enrol' ? 'placement.enrolled' : 'placement.ended',
      run: (input, { db, user, config }) => {
        const placement = getPlacement(db, input.placementId);
        // A placement of another programme is not this page's to change.
        if (!placement || placement.programmeId !== programme.id) return { ok: false as const, code: 'placement.notFound' };
        return intent === 'enrol'
          ? placeLearner(db, user, placement.learnerId, programme.id, 'enrol', { consultationMonths: config.consultationMonths })
          : endPlacementByStaff(db, user, placement.id, intent, input.reason);
      },
    });
  return {
    settings: {
      ...programmeForm((input, { db, user }) => updateProgramme(db, user, programme.id, input)),
      done: 'common.saved' as const,
    },
    enrol: row('enrol'),
    withdrawn: row('withdrawn'),
    failed: row('failed'),
  };
}

/** A career consultation recorded for a learner; the page of the record opens. */
export function newConsultation(learner: Learner, now: Date) {
  return defineAction({
    input: consultationFormSchema(now),
    run: (input, { db, user }) => {
      const result = recordConsultation(db, user, learner.id, input, now);
      return !result.ok && result.code === 'consultation.invalid' ? { ...result, fieldErrors: result.errors } : result;
    },
    redirect: (result) => `/staff/learners/${learner.id}/consultations/${result.consultation.id}?recorded=1`,
  });
}

/** A released learner's portal access: the one-time activation code (re-issued for a lost password). */
export function portalAccess(learner: Learner) {
  return defineAction({
    input: activationIssueSchema,
    fields: { 'activation.birthDateRequired': 'birthDate', 'activation.birthYearMismatch': 'birthDate', 'activation.birthDateInvalid': 'birthDate' },
    run: (input, { db, user }) => issueActivationCode(db, user, learner.id, input),
  });
}

/**
 * The activation sheet as a PDF: the staff page that has just issued a code
 * sends it back (nothing is stored); made only while the code is the
 * learner's open one.
 */
export function activationSheet(learnerId: number) {
  return defineAction({
    input: z.object({
      /** The code just issued. */
      code: z.string().max(40),
    }),
    run: async (input, { db, user, config, url }) => {
      const result = activationSheetFor(db, user, learnerId, input.code, `${config.publicOrigin ?? url.origin}/portal/activate`);
      return result.ok ? { ok: true as const, pdf: await activationSheetPdf(result.sheet) } : result;
    },
  });
}
