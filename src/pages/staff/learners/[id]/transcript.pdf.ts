import type { APIRoute } from 'astro';
import { appendAudit } from '../../../../lib/server/audit.ts';
import { learnerForCertificates } from '../../../../lib/server/certificates/certificates.ts';
import { renderTranscriptPdf } from '../../../../lib/server/certificates/transcript.ts';
import { pdfAttachment } from '../../../../lib/server/http/download.ts';
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
  const learner = learnerForCertificates(db, user, params.id);
  if (!learner) return notFound();
  const pdf = await renderTranscriptPdf(db, learner.id, config.publicOrigin ?? url.origin);
  if (!pdf) return notFound();
  appendAudit(db, { actor: auditActor(user), action: 'transcript.download', targetType: 'learner', targetId: learner.id, facilityId: learner.facilityId });
  return pdfAttachment(pdf, `transcript-${learner.id}.pdf`);
};
