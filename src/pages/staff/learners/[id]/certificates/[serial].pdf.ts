import type { APIRoute } from 'astro';
import { z } from 'zod';
import { appendAudit } from '../../../../../lib/server/audit.ts';
import { getBySerial, renderCertificatePdf } from '../../../../../lib/server/certificates/certificates.ts';
import { getLearner } from '../../../../../lib/server/people/learners.ts';
import { can } from '../../../../../lib/server/policy.ts';
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
  const id = z.coerce.number().int().positive().safeParse(params.id);
  const learner = id.success ? getLearner(db, user, id.data) : null;
  if (!learner || !can(user, 'certificates:issue', { facilityId: learner.facilityId })) return notFound();
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
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${cert.serial}.pdf"`,
      'Cache-Control': 'no-store',
    },
  });
};
