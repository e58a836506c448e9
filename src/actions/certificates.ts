import { z } from 'zod';
import { defineAction } from './runner.ts';
import { approveRequest, declineRequest } from '../lib/server/certificates/awards.ts';
import { reissueCertificate } from '../lib/server/certificates/certificates.ts';
import { dateSchema } from '../lib/shared/schemas.ts';

/** Certificates the education staff approve, decline or re-issue (staff/certificates). */

/**
 * A document that would name custody is refused with the word found and the
 * field it was in; the message shows next to that field when the form has
 * it (the issuer's name belongs to the provider select), else above the form.
 */
export function withCustodyField<R extends { ok: boolean }>(result: R, shown: readonly string[]): R {
  if (result.ok || (result as { code?: string }).code !== 'certificate.custodyWord') return result;
  const where = (result as { field?: string }).field === 'issuer' ? 'providerId' : (result as { field?: string }).field;
  return { ...result, field: where && shown.includes(where) ? where : '_form' };
}

/** The request a row's form is about. */
const requestId = z.coerce.number().int().positive();

/** Documents waiting for approval: approve issues it, decline needs a reason. */
export const certificateRequestActions = {
  approve: defineAction({
    input: z.object({
      requestId,
      /** '' keeps the programme's provider; otherwise a provider of the register (never typed text). */
      providerId: z
        .union([z.literal(''), z.coerce.number({ error: 'provider.unknown' }).int({ error: 'provider.unknown' }).positive({ error: 'provider.unknown' })])
        .default(''),
    }),
    fields: { 'certificateRequest.issuerRequired': 'providerId', 'provider.unknown': 'providerId' },
    run: (input, { db, user }) => withCustodyField(approveRequest(db, user, input.requestId, input.providerId === '' ? null : input.providerId), ['providerId']),
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
      /** Who issues it: a provider of the register, never typed text. */
      providerId: z.coerce.number({ error: 'provider.unknown' }).int({ error: 'provider.unknown' }).positive({ error: 'provider.unknown' }),
      /** The day the course was completed. */
      completedOn: dateSchema,
    }),
    fields: { 'provider.unknown': 'providerId' },
    run: (input, { db, user }) => withCustodyField(reissueCertificate(db, user, serial, { ...input, level: input.level || null }), ['providerId', 'holderName', 'level']),
    redirect: (result) => `/staff/certificates/${result.certificate.serial}?reissued=1`,
  });
}
