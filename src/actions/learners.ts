import { z } from 'zod';
import { defineAction } from './runner.ts';
import type { Learner } from '../lib/server/people/learners.ts';
import { createLearner, resetLearnerPin, updateLearner } from '../lib/server/people/learners.ts';
import { releaseLearner, transferLearner } from '../lib/server/people/lifecycle.ts';
import { issueModuleCertificate, listLearnerCertificates, revokeCertificate } from '../lib/server/certificates/certificates.ts';
import { can } from '../lib/server/policy.ts';
import { withCustodyField } from './certificates.ts';
import { dateSchema, learnerSchema, learnerUpdateSchema } from '../lib/shared/schemas.ts';

/** The education staff's learner pages: admission, the record, transfer and release, certificates. */

/** Admission by hand (the roster import is the usual way): the learner's first PIN is shown once. */
export const admitLearner = defineAction({
  input: learnerSchema,
  // Other refusals name their field themselves.
  fields: { 'auth.forbidden': 'facilityId' },
  run: (input, { db, user }) => createLearner(db, user, input),
});

/** A transfer's or release's date: today when left empty. */
const dateOrToday = z
  .string()
  .trim()
  .transform((v) => v || new Date().toISOString().slice(0, 10))
  .pipe(dateSchema);

/** Why, in a few words (kept in the learner's history; may be empty). */
const reason = z.string().trim().max(500, { error: 'validation.tooLong' }).default('');

/** The forms of one learner's page. */
export function learnerActions(learner: Learner) {
  return {
    /** The record itself. Moving between prisons and leaving custody have their own steps, which close programmes and end access. */
    update: defineAction({
      input: learnerUpdateSchema,
      fields: { 'auth.forbidden': 'facilityId' },
      done: 'common.saved',
      // updateLearner refuses a change of prison or of custody status, naming the field.
      run: (input, { db, user }) => updateLearner(db, user, learner.id, input),
    }),
    transfer: defineAction({
      input: z.object({
        /** The prison the learner moves to. */
        toFacilityId: z.coerce.number({ error: 'validation.required' }).int().positive({ error: 'validation.required' }),
        /** The day of the move. */
        onDate: dateOrToday,
        reason,
      }),
      prefix: 'transfer',
      done: 'lifecycle.transferred',
      run: (input, { db, user }) =>
        transferLearner(db, { kind: 'staff', user }, learner.id, input.toFacilityId, { onDate: input.onDate, ...(input.reason ? { reason: input.reason } : {}) }),
    }),
    release: defineAction({
      input: z.object({
        /** The day of release. */
        onDate: dateOrToday,
        reason,
        /** '1': the staff member ticked that the learner leaves custody (it ends their access). */
        confirm: z.literal('1', { error: 'lifecycle.confirmRelease' }),
      }),
      prefix: 'release',
      done: 'lifecycle.released',
      run: (input, { db, user }) => releaseLearner(db, { kind: 'staff', user }, learner.id, { onDate: input.onDate, ...(input.reason ? { reason: input.reason } : {}) }),
    }),
    /** A new PIN, shown once. */
    resetPin: defineAction({
      input: z.object({}),
      run: (_input, { db, user }) => resetLearnerPin(db, user, learner.id),
    }),
    /** A module certificate for a course the learner completed. */
    certificateIssue: defineAction({
      input: z.object({
        /** The completed course. */
        courseId: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }),
        /** Who issues it: a provider of the register, never typed text. */
        providerId: z.coerce.number({ error: 'provider.unknown' }).int({ error: 'provider.unknown' }).positive({ error: 'provider.unknown' }),
      }),
      prefix: 'certificate',
      fields: { 'certificate.notCompleted': 'courseId', 'provider.unknown': 'providerId' },
      messages: { 'certificate.notCompleted': 'validation.required' },
      run: (input, { db, user }) => {
        if (!can(user, 'certificates:issue', { facilityId: learner.facilityId })) return { ok: false as const, code: 'auth.forbidden' };
        return withCustodyField(issueModuleCertificate(db, user, learner.id, input.courseId, input.providerId), ['providerId']);
      },
    }),
    /** Revokes one of this learner's certificates, with the reason (shown to whoever verifies it). */
    certificateRevoke: defineAction({
      input: z.object({
        /** The certificate's serial; it must be one of this learner's. */
        serial: z.string().trim().min(1).max(40),
        /** Why it is revoked. */
        reason: z.string({ error: 'certificate.reasonRequired' }).trim().min(1, { error: 'certificate.reasonRequired' }).max(500, { error: 'validation.tooLong' }),
      }),
      prefix: 'revoke',
      run: (input, { db, user }) => {
        if (!can(user, 'certificates:issue', { facilityId: learner.facilityId })) return { ok: false as const, code: 'auth.forbidden' };
        const cert = listLearnerCertificates(db, learner.id).find((c) => c.serial === input.serial);
        if (!cert) return { ok: false as const, code: 'certificate.unknown' };
        return revokeCertificate(db, user, cert.serial, input.reason);
      },
    }),
  };
}
