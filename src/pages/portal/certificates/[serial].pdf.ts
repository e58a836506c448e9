import type { APIRoute } from 'astro';
import { pdfAttachment } from '../../../lib/server/http/download.ts';
import { renderCertificatePdf } from '../../../lib/server/certificates/certificates.ts';
import { ownDownloadableCertificate, recordPortalDownload } from '../../../lib/server/portal/documents.ts';

/**
 * One of the released person's own, not revoked certificates as a PDF.
 * Anyone else's serial, a revoked one or an unknown one all look missing.
 */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const { db, user, config, clientIp } = locals;
  const notFound = () => new Response('Not found', { status: 404 });
  if (!user) return notFound();
  const cert = ownDownloadableCertificate(db, user, String(params.serial ?? ''));
  if (!cert) return notFound();
  const pdf = await renderCertificatePdf(db, cert.serial, config.publicOrigin ?? url.origin);
  if (!pdf) return notFound();
  recordPortalDownload(db, user, { kind: 'certificate', serial: cert.serial }, clientIp);
  return pdfAttachment(pdf, `${cert.serial}.pdf`);
};
