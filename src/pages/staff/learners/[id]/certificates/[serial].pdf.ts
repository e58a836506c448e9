import type { APIRoute } from 'astro';
import { appendAudit } from '../../../../../lib/server/audit.ts';
import { getBySerial, learnerForCertificates, renderCertificatePdf } from '../../../../../lib/server/certificates/certificates.ts';
import { pdfAttachment } from '../../../../../lib/server/http/download.ts';
import { auditActor } from '../../../../../lib/server/people/users.ts';

/**
 * One certificate of one learner as a PDF, for staff to print. Only staff who
 * may issue certificates in the learner's prison, only that learner's
 * certificate; anything else looks missing. Audited as 'certificate.download'.
 */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const { db, user, config } = locals;
  const notFound = () => new Response('Not found', { status: 404 });
  if (!user) return notFound();
  const learner = learnerForCertificates(db, user, params.id);
  if (!learner) return notFound();
  const cert = getBySerial(db, String(params.serial ?? ''));
  if (!cert || cert.learnerId !== learner.id) return notFound();
  const pdf = await renderCertificatePdf(db, cert.serial, config.publicOrigin ?? url.origin);
  if (!pdf) return notFound();
  appendAudit(db, {
    actor: auditActor(user),
    action: 'certificate.download',
    targetType: 'certificate',
    targetId: cert.serial,
    facilityId: learner.facilityId,
    details: { learnerId: learner.id },
  });
  return pdfAttachment(pdf, `${cert.serial}.pdf`);
};
