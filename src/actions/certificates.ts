import { z } from 'zod';
import { defineAction } from './runner.ts';
import { approveRequest, declineRequest } from '../lib/server/certificates/awards.ts';
import { reissueCertificate } from '../lib/server/certificates/certificates.ts';
import { dateSchema } from '../lib/shared/schemas.ts';

/** Certificates the education staff approve, decline or re-issue (staff/certificates). */

/** The request a row's form is about. */
const requestId = z.coerce.number().int().positive();

/** Documents waiting for approval: approve issues it, decline needs a reason. */
export const certificateRequestActions = {
  approve: defineAction({
    input: z.object({
      requestId,
      /** Who issues it, when the programme names no education provider (empty: the provider). */
      issuer: z.string().trim().max(200, { error: 'validation.tooLong' }).default(''),
    }),
    fields: { 'certificateRequest.issuerRequired': 'issuer' },
    run: (input, { db, user }) => approveRequest(db, user, input.requestId, input.issuer || null),
  }),
  decline: defineAction({
    input: z.object({
      requestId,
      /** Why it is not issued (kept with the request). */
      reason: z.string({ error: 'certificate.reasonRequired' }).trim().min(1, { error: 'certificate.reasonRequired' }).max(500, { error: 'validation.tooLong' }),
    }),
    run: (input, { db, user }) => declineRequest(db, user, input.requestId, input.reason),
  }),
};

/** A corrected copy under a new serial; the old one is revoked "re-issued as …". */
export function reissue(serial: string) {
  return defineAction({
    input: z.object({
      /** The holder's name as it should read. */
      holderName: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(200, { error: 'validation.tooLong' }),
      /** The course's hours. */
      hours: z.coerce.number({ error: 'certificate.hoursInvalid' }).int({ error: 'certificate.hoursInvalid' }).min(0, { error: 'certificate.hoursInvalid' }).max(10_000, { error: 'certificate.hoursInvalid' }),
      /** The level (empty: none). */
      level: z.string().trim().max(40, { error: 'validation.tooLong' }).default(''),
      /** Who issues it. */
      issuer: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(200, { error: 'validation.tooLong' }),
      /** The day the course was completed. */
      completedOn: dateSchema,
    }),
    run: (input, { db, user }) => reissueCertificate(db, user, serial, { ...input, level: input.level || null }),
    redirect: (result) => `/staff/certificates/${result.certificate.serial}?reissued=1`,
  });
}
