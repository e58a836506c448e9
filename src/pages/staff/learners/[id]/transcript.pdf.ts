import type { APIRoute } from 'astro';
import { z } from 'zod';
import { appendAudit } from '../../../../lib/server/audit.ts';
import { renderTranscriptPdf } from '../../../../lib/server/certificates/transcript.ts';
import { getLearner } from '../../../../lib/server/people/learners.ts';
import { can } from '../../../../lib/server/policy.ts';
import { auditActor } from '../../../../lib/server/people/users.ts';

/**
 * The learner's transcript as a PDF, for staff to print (learners in custody
 * download nothing). Only staff who may issue certificates in the learner's
 * prison; anything else looks missing. Audited as 'transcript.download'.
 */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const { db, user, config } = locals;
  const notFound = () => new Response('Not found', { status: 404 });
  if (!user) return notFound();
  const id = z.coerce.number().int().positive().safeParse(params.id);
  const learner = id.success ? getLearner(db, user, id.data) : null;
  if (!learner || !can(user, 'certificates:issue', { facilityId: learner.facilityId })) return notFound();
  const pdf = await renderTranscriptPdf(db, learner.id, config.publicOrigin ?? url.origin);
  if (!pdf) return notFound();
  appendAudit(db, { actor: auditActor(user), action: 'transcript.download', targetType: 'learner', targetId: learner.id, facilityId: learner.facilityId });
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="transcript-${learner.id}.pdf"`,
      'Cache-Control': 'no-store',
    },
  });
};
